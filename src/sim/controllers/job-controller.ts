/**
 * Job controller, simple and honest: keeps min(parallelism, completions − succeeded) pods
 * active, counts Succeeded/Failed pods, and marks the Job Complete (conditions SuccessCriteriaMet
 * and Complete, completionTime) once `completions` pods succeeded (1 when completions is unset).
 * Pods complete because the kubelet runs them for sim.sdrain.io/run-ms (default 3s) after they
 * are Ready; they never fail, so backoffLimit, podFailurePolicy, indexed completion and
 * suspend-with-active-pods semantics are not modelled beyond `suspend: true` creating no pods.
 */
import type { Condition, Job, Pod } from '../../model/k8s.js';
import type { StoreEvent } from '../store/types.js';
import { controllerOf, isPodReady, isTerminating } from '../../kube/pod.js';
import { formatTime } from '../store/wall-clock.js';
import type { Controller, ControllerContext } from './controller.js';
import { objectKey, splitKey } from './object-cache.js';
import { podFromTemplate } from './pod-template.js';

/** The job controller's event source. */
const JOB_CONTROLLER = { component: 'job-controller' };

function condition(type: string, reason: string, message: string, now: number): Condition {
  const t = formatTime(now);
  return { type, status: 'True', lastProbeTime: t, lastTransitionTime: t, reason, message };
}

/** The Job controller (see the file comment). */
export function jobController(ctx: ControllerContext): Controller {
  return {
    name: 'job',
    start(queue) {
      for (const j of ctx.cache.all<Job>('Job')) queue.add(objectKey(j));
    },
    onEvent(ev: StoreEvent, queue) {
      if (ev.kind === 'Job') {
        if (ev.type !== 'DELETED') queue.add(objectKey(ev.object));
      } else if (ev.kind === 'Pod') {
        const ref = controllerOf(ev.object);
        if (ref?.kind === 'Job') queue.add(`${ev.object.metadata.namespace}/${ref.name}`);
      }
    },
    sync(key) {
      const { namespace, name } = splitKey(key);
      const job = ctx.cache.get<Job>('Job', namespace, name);
      if (!job || !job.metadata.uid) return;
      const now = ctx.clock.now();
      const status = { ...(job.status ?? {}) } as Record<string, unknown> & { conditions?: Condition[] };
      const finished = (status.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
      const pods = ctx.cache.controlledBy<Pod>('Pod', job.metadata.uid);
      const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
      const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
      const active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !isTerminating(p));
      const completions = job.spec.completions ?? null;
      const parallelism = job.spec.parallelism ?? 1;
      const target = completions ?? 1;
      if (!finished && !job.metadata.deletionTimestamp && !job.spec.suspend && succeeded < target) {
        const want = Math.min(parallelism, completions === null ? (succeeded > 0 ? 0 : parallelism) : completions - succeeded);
        const uidLabels = { 'batch.kubernetes.io/controller-uid': job.metadata.uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': job.metadata.uid, 'job-name': name };
        for (let i = active.length; i < want; i++) {
          const pod = ctx.store.create(podFromTemplate(job, job.spec.template, { extraLabels: uidLabels }));
          ctx.events.record(JOB_CONTROLLER, job, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}` });
        }
      }
      const live = ctx.cache.controlledBy<Pod>('Pod', job.metadata.uid).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !isTerminating(p));
      status.active = live.length;
      status.ready = live.filter(isPodReady).length;
      status.succeeded = succeeded;
      status.failed = failed;
      status.terminating = pods.filter(isTerminating).length;
      status.startTime = status.startTime ?? formatTime(now);
      status.uncountedTerminatedPods = {};
      if (!finished && succeeded >= target) {
        ctx.events.record(JOB_CONTROLLER, job, { type: 'Normal', reason: 'Completed', message: 'Job completed' });
        status.completionTime = formatTime(now);
        status.conditions = [
          ...(status.conditions ?? []),
          condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', now),
          condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', now),
        ];
      }
      if (JSON.stringify(job.status ?? {}) !== JSON.stringify(status)) {
        ctx.store.mutate<Job>('Job', namespace, name, (o) => {
          o.status = status;
        }, { subresource: 'status' });
      }
    },
  };
}

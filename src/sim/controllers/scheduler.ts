/**
 * The scheduler: binds pending pods (no spec.nodeName, schedulerName default-scheduler, no
 * scheduling gates, not terminating) with the scheduler the planner runs (src/placement
 * Scheduler: the same filters, scores and node sampling with its rotation, kept for the
 * simulator's lifetime), in kube-scheduler's queue order: higher
 * spec.priority first, then older, then name. When no node fits, the pod gets PodScheduled=False
 * reason Unschedulable with the scheduler's message, and is retried whenever a node changes or a
 * placed pod goes away. Preemption and nominatedNodeName are not modelled.
 *
 * The PlacementState is the shared PlacementView, kept current from store events, so a bind
 * costs the predicates, not a pass over every pod in the cluster.
 */
import type { Condition, Pod } from '../../model/k8s.js';
import { DEFAULT_SCHEDULER } from '../../kube/pod-defaults.js';
import type { StoreEvent } from '../store/types.js';
import { isTerminal, isTerminating } from '../../kube/pod.js';
import { Scheduler } from '../../placement/index.js';
import { formatTime } from '../store/wall-clock.js';
import type { Controller, ControllerContext } from './controller.js';
import { objectKey, splitKey } from './object-cache.js';
import { REBUILT_ON } from './placement-view.js';

/** kube-scheduler's event source. */
const SCHEDULER = { component: 'default-scheduler' };

/** The single queue key: scheduling runs over all pending pods in priority order. */
const SCHEDULE_ALL = '*';

function wantsScheduling(pod: Pod): boolean {
  if (pod.spec.nodeName || isTerminating(pod) || isTerminal(pod)) return false;
  if ((pod.spec.schedulerName ?? DEFAULT_SCHEDULER) !== DEFAULT_SCHEDULER) return false;
  return (pod.spec.schedulingGates ?? []).length === 0;
}

function queueOrder(a: Pod, b: Pod): number {
  const pa = a.spec.priority ?? 0;
  const pb = b.spec.priority ?? 0;
  if (pa !== pb) return pb - pa;
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  if (ca !== cb) return ca < cb ? -1 : 1;
  const ka = objectKey(a);
  const kb = objectKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function placed(pod: Pod | undefined): boolean {
  return !!pod && !!pod.spec.nodeName && !isTerminal(pod);
}

/** The scheduler (see the file comment). */
export function schedulerController(ctx: ControllerContext): Controller {
  /** Pods to try at the next pass. */
  const pending = new Set<string>();
  /** Pods that did not fit; retried when the cluster changes. */
  const unschedulable = new Set<string>();
  /** Outlives PlacementView rebuilds: its node-sampling rotation is the scheduler's own. */
  const scheduler = new Scheduler();

  const retryUnschedulable = (queue: Parameters<Controller['start']>[0]) => {
    if (unschedulable.size === 0) return;
    for (const k of unschedulable) pending.add(k);
    unschedulable.clear();
    queue.add(SCHEDULE_ALL);
  };

  const setUnschedulable = (pod: Pod, message: string) => {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    ctx.events.record(SCHEDULER, pod, { type: 'Warning', reason: 'FailedScheduling', message, action: 'Scheduling' });
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return;
    ctx.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      const cond: Condition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: formatTime(ctx.clock.now()), reason: 'Unschedulable', message };
      p.status = { ...(p.status ?? {}), phase: p.status?.phase ?? 'Pending', conditions: [...(p.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), cond] };
    }, { subresource: 'status' });
  };

  const bind = (pod: Pod, node: string) => {
    let bound = false;
    const written = ctx.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      if (p.spec.nodeName || p.metadata.uid !== pod.metadata.uid) return false;
      p.spec.nodeName = node;
      const cond: Condition = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: formatTime(ctx.clock.now()) };
      p.status = { ...(p.status ?? {}), phase: p.status?.phase ?? 'Pending', conditions: [...(p.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), cond] };
      bound = true;
    });
    if (bound && written) ctx.events.record(SCHEDULER, written, { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, action: 'Binding' });
  };

  return {
    name: 'scheduler',
    start(queue) {
      for (const pod of ctx.cache.all<Pod>('Pod')) if (wantsScheduling(pod)) pending.add(objectKey(pod));
      if (pending.size > 0) queue.add(SCHEDULE_ALL);
    },
    onEvent(ev: StoreEvent, queue) {
      if (ev.kind === 'Node' || REBUILT_ON.has(ev.kind)) {
        retryUnschedulable(queue);
        return;
      }
      if (ev.kind !== 'Pod') return;
      const pod = ev.object as Pod;
      const old = ev.old as Pod | undefined;
      const key = objectKey(pod);
      if (ev.type === 'DELETED' || (isTerminal(pod) && !(old && isTerminal(old)))) {
        pending.delete(key);
        unschedulable.delete(key);
        if (placed(old ?? pod)) retryUnschedulable(queue);
        return;
      }
      if (wantsScheduling(pod)) {
        if (!unschedulable.has(key) || (old && JSON.stringify(old.spec) !== JSON.stringify(pod.spec))) {
          unschedulable.delete(key);
          pending.add(key);
          queue.add(SCHEDULE_ALL);
        }
      } else {
        pending.delete(key);
        unschedulable.delete(key);
      }
    },
    sync() {
      if (pending.size === 0) return;
      const state = ctx.placement.get();
      const pods: Pod[] = [];
      for (const key of pending) {
        const { namespace, name } = splitKey(key);
        const pod = ctx.cache.get<Pod>('Pod', namespace, name);
        if (pod && wantsScheduling(pod)) pods.push(pod);
      }
      pending.clear();
      pods.sort(queueOrder);
      for (const pod of pods) {
        const result = scheduler.schedule(state, pod);
        if (result.node !== undefined) bind(pod, result.node);
        else {
          unschedulable.add(objectKey(pod));
          setUnschedulable(pod, result.message);
        }
      }
    },
  };
}

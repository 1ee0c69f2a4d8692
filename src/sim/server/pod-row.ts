/**
 * The pod row of `kubectl get pods` (server-side printing): READY, STATUS and RESTARTS follow
 * the upstream printPod rules, so Terminating, ContainerCreating, Init:1/2, CrashLoopBackOff
 * and Completed read exactly as on a real cluster.
 */
import type { Pod, ContainerStatus } from '../../model/k8s.js';
import { age, humanDuration } from './human-duration.js';

type State = { waiting?: { reason?: string }; running?: Record<string, unknown>; terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string } };

function st(c: ContainerStatus): State {
  return (c.state ?? {}) as State;
}

function lastFinished(c: ContainerStatus): number | undefined {
  const f = ((c.lastState ?? {}) as State).terminated?.finishedAt;
  const t = f ? Date.parse(f) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** Cells for the pod columns: Name, Ready, Status, Restarts, Age | IP, Node, Nominated Node, Readiness Gates. */
export function podCells(pod: Pod, now: number): unknown[] {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const initSpecs = spec.initContainers ?? [];
  const sidecars = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = (spec.containers ?? []).length + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  let reason = status.phase ?? '';
  if (status.reason) reason = status.reason;
  const scheduled = (status.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'SchedulingGated') reason = 'SchedulingGated';

  const bump = (c: ContainerStatus) => {
    restarts += c.restartCount ?? 0;
    const t = lastFinished(c);
    if (t !== undefined && (lastRestart === undefined || t > lastRestart)) lastRestart = t;
  };

  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    bump(c);
    const s = st(c);
    if (sidecars.has(c.name) && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (s.terminated && (s.terminated.exitCode ?? 0) === 0) continue;
    if (s.terminated) {
      if (!s.terminated.reason) reason = s.terminated.signal ? `Init:Signal:${s.terminated.signal}` : `Init:ExitCode:${s.terminated.exitCode ?? 0}`;
      else reason = `Init:${s.terminated.reason}`;
      initializing = true;
    } else if (s.waiting?.reason && s.waiting.reason !== 'PodInitializing') {
      reason = `Init:${s.waiting.reason}`;
      initializing = true;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
      initializing = true;
    }
    break;
  }
  const initialized = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = 0;
    lastRestart = undefined;
    for (const c of inits) if (sidecars.has(c.name)) bump(c);
    let hasRunning = false;
    const cs = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      bump(c);
      const s = st(c);
      if (s.waiting?.reason) reason = s.waiting.reason;
      else if (s.terminated?.reason) reason = s.terminated.reason;
      else if (s.terminated) reason = s.terminated.signal ? `Signal:${s.terminated.signal}` : `ExitCode:${s.terminated.exitCode ?? 0}`;
      else if (c.ready && s.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartText = lastRestart !== undefined && restarts > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const gates = spec.readinessGates ?? [];
  let gatesText = '<none>';
  if (gates.length > 0) {
    const trueConds = new Set((status.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type));
    gatesText = `${gates.filter((g) => trueConds.has(g.conditionType)).length}/${gates.length}`;
  }
  return [
    pod.metadata.name,
    `${ready}/${total}`,
    reason,
    restartText,
    age(pod.metadata.creationTimestamp, now),
    status.podIP || '<none>',
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    gatesText,
  ];
}

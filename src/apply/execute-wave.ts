/**
 * One wave: cordon its nodes (marked with the plan digest), move every workload by its
 * method — concurrently, each workload's floor being its own — wait until nothing movable is
 * left on the nodes, run afterEach per node, and mark the nodes drained. Every step checks
 * the cluster first, so running a half-done wave again only does what is missing.
 */
import type { ObjectCache } from '../cluster/cluster-gateway.js';
import { InternalError, SdrainError } from '../errors.js';
import { isDaemonSetPod, isMirrorPod, isTerminal } from '../kube/pod.js';
import type { Node, Pod } from '../model/k8s.js';
import type { Action, Plan, Wave } from '../model/plan.js';
import { trackProgress, type ActionContext, type Workload } from './action-context.js';
import type { ApplyDeps } from './apply-deps.js';
import type { WorkloadResult } from './apply-result.js';
import { deletePods } from './methods/delete.js';
import { evict } from './methods/evict.js';
import { roll } from './methods/roll.js';
import { surge } from './methods/surge.js';
import { DRAINED_ANNOTATION, PLAN_DIGEST_ANNOTATION } from './own-marks.js';
import { withArrivedPods } from './arrived-pods.js';
import { Interrupted, waitFor } from './wait-for.js';

export interface WaveRun {
  plan: Plan;
  wave: Wave;
  deps: ApplyDeps;
  /** deps.signal combined with losing the lock. */
  signal: AbortSignal;
  /** Filled as workloads finish (the caller owns the array, so a failure keeps what was done). */
  results: WorkloadResult[];
}

const METHODS = { roll, surge, evict, delete: deletePods } as const;

function refName(a: Action): string {
  return `${a.workload.kind} "${a.workload.namespace ? `${a.workload.namespace}/` : ''}${a.workload.name}"`;
}

/** Pods that would have to move for the node to be empty (not DaemonSet, mirror or finished). */
export function movablePods(pods: Pod[]): Pod[] {
  return pods.filter((p) => !isDaemonSetPod(p) && !isMirrorPod(p) && !isTerminal(p));
}

/** Deleting pods loses them: only when the spec opted in for unmanaged pods or local storage. */
function deleteAllowed(plan: Plan): boolean {
  const w = plan.spec.spec.workloads;
  return w.unmanaged === 'delete' || w.localStorage === 'delete';
}

function nodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export async function executeWave(run: WaveRun): Promise<void> {
  const { plan, wave, deps, signal } = run;
  const { gateway, clock } = deps;
  const spec = plan.spec.spec;
  const waveStart = clock.now();
  const nodeDeadline = waveStart + spec.timeouts.nodeSeconds * 1000;
  const waveEstimate = wave.estimate ? { estimateSeconds: wave.estimate.seconds } : {};
  deps.onEvent({ type: 'wave-start', at: waveStart, wave: wave.index, nodes: wave.nodes, ...waveEstimate });

  // The wave's nodes are cordoned together (each GET + PATCH is independent of the others).
  if (signal.aborted) throw new Interrupted();
  const cordoned = await Promise.all(
    wave.nodes.map(async (name) => {
      const node = await gateway.getNode(name);
      if (!node) throw new SdrainError('APPLY_FAILED', `Cannot cordon node "${name}": it no longer exists`);
      const already = node.spec?.unschedulable === true && node.metadata.annotations?.[PLAN_DIGEST_ANNOTATION] === plan.digest;
      if (!already) await gateway.patchNode(name, { unschedulable: true, annotations: { [PLAN_DIGEST_ANNOTATION]: plan.digest } });
      return { name, already, at: clock.now() };
    }),
  );
  for (const c of cordoned) deps.onEvent({ type: 'node-cordoned', at: c.at, wave: wave.index, node: c.name, already: c.already });

  const nodePods = wave.nodes.map((n) => gateway.watch<Pod>({ kind: 'Pod', fieldSelector: `spec.nodeName=${n}` }));
  try {
    const outcomes = await Promise.allSettled(wave.actions.map((action) => moveWorkload(run, action, nodePods, nodeDeadline)));
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    const interrupted = failures.find((f) => f instanceof Interrupted);
    if (interrupted) throw interrupted;
    if (failures.length > 0) throw failures[0];

    // Nothing movable may remain, planned or not (nodeName set directly bypasses the cordon).
    const plannedUids = new Set(wave.actions.flatMap((a) => a.podUids));
    await waitFor({
      caches: nodePods,
      check: () => (movablePods(nodePods.flatMap((c) => c.items())).length === 0 ? true : undefined),
      deadlineMs: Math.min(nodeDeadline, clock.now() + 1000 * Math.max(30, spec.timeouts.workloadSeconds)),
      clock,
      signal,
      timeoutMessage: () => {
        const left = movablePods(nodePods.flatMap((c) => c.items()));
        const unplanned = left.filter((p) => !plannedUids.has(p.metadata.uid ?? ''));
        return `Cannot finish wave ${wave.index}: pods still on ${wave.nodes.join(', ')}: ${left.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}${unplanned.length ? ' (not in the plan: they arrived after planning)' : ''}`;
      },
    });
  } finally {
    for (const c of nodePods) c.stop();
  }

  for (const name of wave.nodes) await afterEach(run, name, nodeDeadline);
  await Promise.all(wave.nodes.map((name) => gateway.patchNode(name, { annotations: { [DRAINED_ANNOTATION]: plan.digest } })));
  deps.onEvent({ type: 'wave-done', at: clock.now(), wave: wave.index, ms: clock.now() - waveStart, ...waveEstimate });
}

async function moveWorkload(run: WaveRun, action: Action, nodePods: ObjectCache<Pod>[], nodeDeadline: number): Promise<void> {
  const { plan, wave, deps, signal } = run;
  const { clock } = deps;
  const start = clock.now();
  const kind = action.workload.kind;
  const workload =
    kind === 'Deployment' || kind === 'StatefulSet'
      ? deps.gateway.watch<Workload>({ kind, namespace: action.workload.namespace, name: action.workload.name })
      : undefined;
  const ctx: ActionContext = {
    plan,
    wave,
    action,
    gateway: deps.gateway,
    clock,
    signal,
    emit: deps.onEvent,
    deadlineMs: Math.min(start + plan.spec.spec.timeouts.workloadSeconds * 1000, nodeDeadline),
    nodePods,
    workload,
    minReady: null,
    phase: 'starting',
  };
  const result: WorkloadResult = {
    wave: wave.index,
    workload: action.workload,
    method: action.method,
    pods: action.pods.length,
    status: 'pending',
    minReady: null,
    expectedMinReady: action.expectedMinReady,
  };
  const estimate = action.estimate ? { estimateSeconds: action.estimate.seconds } : {};
  Object.assign(result, estimate);
  run.results.push(result);
  let stopTracking: (() => void) | undefined;
  try {
    await Promise.all([...nodePods, ...(workload ? [workload] : [])].map((c) => c.synced));
    // Replacements from earlier waves that landed on these nodes move too (see arrived-pods.ts).
    ctx.action = withArrivedPods(action, workload?.items()[0], nodePods.flatMap((c) => c.items()));
    result.pods = ctx.action.pods.length;
    deps.onEvent({
      type: 'workload-start',
      at: start,
      wave: wave.index,
      workload: action.workload,
      method: action.method,
      pods: ctx.action.pods,
      replicas: action.replicas,
      expectedMinReady: action.expectedMinReady,
      ...estimate,
    });
    stopTracking = trackProgress(ctx);
    if (action.method === 'delete' && !deleteAllowed(plan)) {
      throw new SdrainError('APPLY_FAILED', `Refusing to delete the pods of ${refName(action)}: the spec allows deleting neither unmanaged pods nor pods with local storage`);
    }
    await METHODS[action.method](ctx);
    result.status = 'done';
    deps.onEvent({ type: 'workload-done', at: clock.now(), wave: wave.index, workload: action.workload, minReady: ctx.minReady, expectedMinReady: action.expectedMinReady, ms: clock.now() - start, ...estimate });
  } catch (err) {
    result.status = err instanceof Interrupted ? 'interrupted' : 'failed';
    // Only sdrain's own messages are shown: anything else is a bug, reported as one (its raw message stays the cause).
    const failure = err instanceof SdrainError ? err : new InternalError(`moving ${refName(action)} failed unexpectedly`, { cause: err });
    result.message = failure.message;
    if (!(err instanceof Interrupted)) deps.onEvent({ type: 'workload-failed', at: clock.now(), wave: wave.index, workload: action.workload, message: result.message });
    throw failure;
  } finally {
    stopTracking?.();
    result.minReady = ctx.minReady;
    result.ms = clock.now() - start;
    workload?.stop();
  }
}

/** afterEach for one node: the command (SDRAIN_NODE set), wait for Ready, uncordon if asked. */
async function afterEach(run: WaveRun, name: string, nodeDeadline: number): Promise<void> {
  const { plan, wave, deps, signal } = run;
  const after = plan.spec.spec.afterEach;
  if (!after) return;
  const { gateway, clock } = deps;
  if (after.command.length > 0) {
    deps.onEvent({ type: 'after-each-start', at: clock.now(), wave: wave.index, node: name, command: after.command });
    const code = await deps.runCommand(after.command, { SDRAIN_NODE: name }, (stream, text) => deps.onEvent({ type: 'after-each-output', at: clock.now(), node: name, stream, text }), signal);
    deps.onEvent({ type: 'after-each-done', at: clock.now(), node: name, exitCode: code });
    if (signal.aborted) throw new Interrupted();
    if (code !== 0) {
      throw new SdrainError('APPLY_FAILED', `afterEach command for node "${name}" exited with code ${code}: ${after.command.join(' ')}`, {
        hint: `The node stays cordoned. Fix the node, then run apply again (finished waves are not repeated) or \`sdrain uncordon\`.`,
      });
    }
  }
  const nodeCache = gateway.watch<Node>({ kind: 'Node', name });
  try {
    await waitFor({
      caches: [nodeCache],
      check: () => {
        const n = nodeCache.items()[0];
        return n && nodeReady(n) ? true : undefined;
      },
      deadlineMs: nodeDeadline,
      clock,
      signal,
      timeoutMessage: () => `Timed out waiting for node "${name}" to be Ready after afterEach`,
    });
  } finally {
    nodeCache.stop();
  }
  deps.onEvent({ type: 'node-ready', at: clock.now(), node: name });
  if (after.uncordon) {
    await gateway.patchNode(name, { unschedulable: null });
    deps.onEvent({ type: 'node-uncordoned', at: clock.now(), node: name });
  }
}

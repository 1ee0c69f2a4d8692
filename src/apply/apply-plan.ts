/**
 * The executor: refuse before any change (preflight, identity, lock, drift), then run the
 * waves in order. It prints nothing and touches the world only through ApplyDeps. Refusals
 * throw (exit 3); failures and interruptions during execution are returned as a result with
 * the cluster's state, so the caller can print a summary before exiting non-zero.
 */
import { DriftError, InternalError, SdrainError } from '../errors.js';
import { sleep } from '../clock.js';
import { keyOfObject } from '../kube/object-key.js';
import { PLAN_FORMAT_VERSION, type Plan } from '../model/plan.js';
import type { ApplyDeps, ApplyOptions } from './apply-deps.js';
import type { ApplyResult, NodeState, WaveResult } from './apply-result.js';
import { checkDrift, drainedNodes } from './drift.js';
import { executeWave, movablePods } from './execute-wave.js';
import { DRAINED_ANNOTATION, PLAN_DIGEST_ANNOTATION } from './own-marks.js';
import { checkIdentity, preflightPlan } from './preflight.js';
import type { ApplyEvent } from './apply-event.js';
import { clusterEventsFor } from './cluster-events.js';
import { formatEstimate } from '../plan/estimate-duration.js';
import { Interrupted } from './wait-for.js';

export async function applyPlan(plan: Plan, opts: ApplyOptions, given: ApplyDeps): Promise<ApplyResult> {
  const events = withClusterEvents(plan, given);
  const deps = events.deps;
  try {
    return await run(plan, opts, deps);
  } catch (err) {
    // A refusal before any change (exit 3) is also an event, with DRIFT's changes as data.
    if (err instanceof SdrainError && (err.code === 'PLAN_REFUSED' || err.code === 'DRIFT' || err.code === 'LOCKED')) {
      deps.onEvent({
        type: 'refused',
        at: deps.clock.now(),
        code: err.code,
        message: err.message,
        ...(err.hint !== undefined ? { hint: err.hint } : {}),
        ...(err instanceof DriftError ? { changed: err.changed, diff: err.diff } : {}),
      });
    }
    throw err;
  } finally {
    await events.flush();
  }
}

/** How long the end of apply waits for Kubernetes Events still being written. */
const EVENT_FLUSH_MS = 5000;

/**
 * Records the Kubernetes Events (cluster-events.ts) for what apply reports, in order, without
 * ever slowing or failing apply: each reason an Event could not be written is one warning.
 */
function withClusterEvents(plan: Plan, deps: ApplyDeps): { deps: ApplyDeps; flush(): Promise<void> } {
  const record = deps.recordEvent;
  if (!record) return { deps, flush: async () => undefined };
  let queue: Promise<void> = Promise.resolve();
  const warned = new Set<string>();
  const onEvent = (e: ApplyEvent) => {
    deps.onEvent(e);
    for (const ce of clusterEventsFor(e, plan)) {
      queue = queue.then(async () => {
        const problem = await record(ce).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
        if (problem !== undefined && !warned.has(problem)) {
          warned.add(problem);
          deps.onEvent({ type: 'warning', at: deps.clock.now(), message: `Cannot record Kubernetes Events (apply carries on without them): ${problem}` });
        }
      });
    }
  };
  return {
    deps: { ...deps, onEvent },
    flush: async () => {
      const stop = new AbortController();
      await Promise.race([queue, sleep(deps.clock, EVENT_FLUSH_MS, stop.signal)]);
      stop.abort();
    },
  };
}

async function run(plan: Plan, opts: ApplyOptions, deps: ApplyDeps): Promise<ApplyResult> {
  const { gateway, clock } = deps;
  const started = clock.now();
  const otherVersion = plan.toolVersion !== deps.toolVersion || plan.formatVersion !== PLAN_FORMAT_VERSION;
  if (otherVersion) {
    deps.onEvent({ type: 'other-version', at: started, planVersion: plan.toolVersion, toolVersion: deps.toolVersion, formatVersion: plan.formatVersion });
  }
  preflightPlan(plan, { file: opts.file, expectDigest: opts.expectDigest, nowMs: started });
  checkIdentity(plan, await gateway.identity(), opts.file);
  const planNodes = plan.waves.flatMap((w) => w.nodes);
  deps.onEvent({
    type: 'start',
    at: started,
    digest: plan.digest,
    waves: plan.waves.length,
    nodes: planNodes.length,
    maintenance: plan.spec.metadata.name,
    ...(plan.estimate ? { estimateSeconds: plan.estimate.seconds } : {}),
  });
  const late = windowWarning(plan, started);
  if (late) deps.onEvent({ type: 'warning', at: started, message: late });

  const lock = await deps.lock.acquire(deps.signal);
  deps.onEvent({ type: 'lock-acquired', at: clock.now() });
  const result: ApplyResult = {
    status: 'done',
    digest: plan.digest,
    resumed: false,
    waves: plan.waves.map((w): WaveResult => ({ index: w.index, nodes: w.nodes, status: 'pending', ...(w.estimate ? { estimateSeconds: w.estimate.seconds } : {}) })),
    workloads: [],
    ms: 0,
  };
  try {
    const live = await gateway.readSnapshot();
    const drained = drainedNodes(live, plan.digest);
    if (planNodes.every((n) => drained.has(n))) {
      deps.onEvent({ type: 'already-applied', at: clock.now() });
      for (const w of result.waves) w.status = 'skipped';
      result.status = 'already-applied';
      result.ms = clock.now() - started;
      return result;
    }
    result.resumed = checkDrift(plan, live, { replan: deps.replan, file: opts.file, toolVersion: deps.toolVersion }).resumed;
    deps.onEvent({ type: 'drift-checked', at: clock.now(), resumed: result.resumed });

    const signal = AbortSignal.any([deps.signal, lock.lost]);
    for (const wave of plan.waves) {
      const wr = result.waves.find((w) => w.index === wave.index)!;
      if (wave.nodes.every((n) => drained.has(n))) {
        wr.status = 'skipped';
        deps.onEvent({ type: 'wave-skipped', at: clock.now(), wave: wave.index, reason: 'already done by an earlier run of this plan' });
        continue;
      }
      const waveStart = clock.now();
      try {
        if (signal.aborted) throw new Interrupted();
        const notAfter = plan.spec.spec.window?.notAfter;
        if (notAfter !== undefined && waveStart > Date.parse(notAfter)) {
          throw new SdrainError('APPLY_FAILED', `Not starting wave ${wave.index}: the maintenance window closed at ${notAfter}`, {
            hint: 'The waves before it are done. Plan again with a new spec.window and apply the new plan.',
          });
        }
        await executeWave({ plan, wave, deps, signal, results: result.workloads });
        wr.status = 'done';
        wr.ms = clock.now() - waveStart;
      } catch (err) {
        wr.ms = clock.now() - waveStart;
        const lost = lock.lost.aborted && !deps.signal.aborted;
        const interrupted = err instanceof Interrupted && !lost;
        wr.status = interrupted ? 'interrupted' : 'failed';
        result.status = interrupted ? 'interrupted' : 'failed';
        result.error = lost
          ? (lock.lost.reason as SdrainError)
          : err instanceof SdrainError
            ? err
            : new InternalError(`wave ${wave.index} failed unexpectedly`, { cause: err });
        deps.onEvent(
          interrupted
            ? { type: 'interrupted', at: clock.now(), message: result.error.message }
            : { type: 'failed', at: clock.now(), message: result.error.message },
        );
        result.nodes = await clusterState(plan, deps).catch(() => undefined);
        result.ms = clock.now() - started;
        return result;
      }
    }
    result.ms = clock.now() - started;
    deps.onEvent({ type: 'done', at: clock.now(), ms: result.ms });
    return result;
  } finally {
    gateway.close?.();
    await lock.release().catch(() => undefined);
  }
}

/**
 * The plan checks its estimate against a window with both ends (WINDOW_TOO_SHORT); only apply
 * knows when it starts, so it warns before anything changes when the estimate runs past notAfter.
 */
export function windowWarning(plan: Plan, nowMs: number): string | undefined {
  const notAfter = plan.spec.spec.window?.notAfter;
  if (notAfter === undefined || !plan.estimate) return undefined;
  const end = nowMs + plan.estimate.seconds * 1000;
  if (end <= Date.parse(notAfter)) return undefined;
  const left = Math.max(0, Math.round((Date.parse(notAfter) - nowMs) / 1000));
  return `The maintenance is estimated to take ${formatEstimate(plan.estimate.seconds)} but the window closes at ${notAfter}, in ${formatEstimate(left)}: waves that would start after it are refused`;
}

/** Which plan nodes are cordoned and what is still on them, read fresh after a failure. */
export async function clusterState(plan: Plan, deps: Pick<ApplyDeps, 'gateway'>): Promise<NodeState[]> {
  const out: NodeState[] = [];
  for (const name of plan.waves.flatMap((w) => w.nodes)) {
    const node = await deps.gateway.getNode(name);
    const pods = node ? movablePods(await deps.gateway.listPods({ nodeName: name })) : [];
    out.push({
      name,
      cordoned: node?.spec?.unschedulable === true,
      ours: node?.metadata.annotations?.[PLAN_DIGEST_ANNOTATION] === plan.digest,
      drained: node?.metadata.annotations?.[DRAINED_ANNOTATION] === plan.digest,
      podsLeft: pods.map(keyOfObject).sort(),
    });
  }
  return out;
}

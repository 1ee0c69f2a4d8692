/**
 * How long a moved pod takes from its deletion until it is gone, for the duration estimate:
 * from what the snapshot shows (the pods' preStop sleeps and termination grace periods) and
 * what the spec states (spec.estimate), never from a clock. Pure.
 *
 * The kubelet's order when a pod is deleted: every container runs its preStop hook (all
 * containers at once), then gets SIGTERM, and is killed once the grace period is over; the
 * hook's time counts against the grace period, and after SIGTERM the container always gets at
 * least 2 s (kubelet's minimumGracePeriodInSeconds), even when the hook used the whole period. So:
 * - a preStop `sleep` is a fact: SIGTERM comes no earlier (`observed`);
 * - what the process does after SIGTERM is not in the snapshot: without a statement in the
 *   spec it is assumed to exit within SHUTDOWN_CAP_SECONDS (`default`); the spec can say
 *   `graceful` (the same, stated), `whole-grace` or a duration (`spec`).
 *
 * Not used, deliberately: a container's lastState.terminated (finishedAt, exit code 137/143)
 * records a restart — a crash, an OOM kill, a failed liveness probe — not a deletion, and its
 * status does not say when the kill began, so it says nothing honest about how long a
 * shutdown takes. httpGet hooks and exec hooks other than a leading `sleep N` have no
 * knowable length (they count as none: the estimate stays a lower bound for them).
 * Sidecars (restartable init containers) stop after the main containers; their hooks are not
 * counted either.
 */
import type { Pod } from '../model/k8s.js';
import type { ShutdownBasis, ShutdownModel } from '../model/plan.js';
import type { MaintenanceSpec, ShutdownStatement } from '../model/spec.js';

/**
 * Expected time from SIGTERM until a process that handles it has exited: a snapshot holds no
 * record of past shutdowns, so without a statement in the spec the estimate assumes this (a
 * stated default: pods that really use their whole grace period take longer, see
 * bench/RESULTS.md).
 */
export const SHUTDOWN_CAP_SECONDS = 1;
/** The kubelet's minimum time between SIGTERM and SIGKILL (its minimumGracePeriodInSeconds). */
export const KUBELET_MIN_GRACE_SECONDS = 2;

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
/** A sleep argument GNU coreutils and busybox both accept: a number with an optional s/m/h unit. */
const SLEEP_ARG = /^(\d+(?:\.\d+)?)([smh]?)$/;
/** A script that begins with `sleep N` and then ends or runs the next command after it. */
const SCRIPT_SLEEP = /^\s*sleep\s+(\S+)\s*(?:$|;|&&|\n)/;

function sleepArgSeconds(arg: string | undefined): number | undefined {
  const m = arg === undefined ? null : SLEEP_ARG.exec(arg);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
  return Number.isFinite(n) ? n : undefined;
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * The seconds a container's preStop hook is known to sleep before SIGTERM, or undefined when it
 * has none or its length is not knowable. Read conservatively: `sleep: {seconds: N}` (the
 * PodLifecycleSleepAction), an exec `[sleep, N]`, or `[sh, -c, "sleep N; …"]` whose script
 * *begins* with the sleep (`sleep 5 &` or `sleep $T` are not read).
 */
export function preStopSleepSeconds(container: unknown): number | undefined {
  const hook = (container as { lifecycle?: { preStop?: { sleep?: { seconds?: unknown }; exec?: { command?: unknown } } } } | undefined)?.lifecycle?.preStop;
  if (!hook) return undefined;
  const seconds = hook.sleep?.seconds;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) return seconds;
  const cmd = hook.exec?.command;
  if (!Array.isArray(cmd) || !cmd.every((x) => typeof x === 'string') || cmd.length === 0) return undefined;
  const program = baseName(cmd[0] as string);
  if (program === 'sleep' && cmd.length === 2) return sleepArgSeconds(cmd[1] as string);
  if (SHELLS.has(program) && cmd.length === 3 && cmd[1] === '-c') {
    const m = SCRIPT_SLEEP.exec(cmd[2] as string);
    return m ? sleepArgSeconds(m[1]) : undefined;
  }
  return undefined;
}

/** The longest preStop sleep over the pods' containers (they run at once), or undefined when none has one. */
export function podsPreStopSeconds(pods: readonly Pod[]): number | undefined {
  let longest: number | undefined;
  for (const p of pods) {
    for (const c of p.spec.containers ?? []) {
      const s = preStopSleepSeconds(c);
      if (s !== undefined && (longest === undefined || s > longest)) longest = s;
    }
  }
  return longest;
}

/** The spec's statement for a workload: the first matching estimate override (1-based), else spec.estimate.shutdown. */
export function shutdownStatementFor(spec: MaintenanceSpec, workload: { kind: string; namespace?: string; name: string }): { statement?: ShutdownStatement; override?: number } {
  const est = spec.spec.estimate;
  if (!est) return {};
  const i = est.overrides.findIndex((o) => o.namespace === (workload.namespace ?? '') && (o.kind === undefined || o.kind === workload.kind) && (o.name === undefined || o.name === workload.name));
  if (i >= 0) return { statement: est.overrides[i]!.shutdown, override: i + 1 };
  return est.shutdown ? { statement: est.shutdown } : {};
}

/** The shutdown of one moved pod, and where the figure comes from. */
export interface ShutdownEstimate {
  /** Expected seconds from deletion until the pod is gone. */
  seconds: number;
  /** Seconds if the process ignores SIGTERM and is killed: the bound `maxSeconds` uses. */
  maxSeconds: number;
  basis: ShutdownBasis;
  model: ShutdownModel;
  preStopSeconds?: number;
  override?: number;
  /** For the formula: "preStop sleep 10 s, then exits within 1 s of SIGTERM", "whole grace period 30 s, spec.estimate.shutdown". */
  text: string;
}

const s1 = (n: number): string => `${Math.round(n * 10) / 10} s`;

/**
 * The shutdown for pods with grace period `grace` (the longest of the moved pods), preStop sleep
 * `preStop` (the longest) and the spec's statement, if any.
 */
export function estimateShutdown(grace: number, preStop: number | undefined, stated: { statement?: ShutdownStatement; override?: number }): ShutdownEstimate {
  const hook = Math.min(preStop ?? 0, grace);
  // Killed: SIGTERM after the hook, SIGKILL when the grace period is over (at least 2 s after
  // SIGTERM). A grace period of 0 removes the pod object at once.
  const killed = grace <= 0 ? 0 : hook + Math.max(grace - hook, KUBELET_MIN_GRACE_SECONDS);
  const graceful = grace <= 0 ? 0 : hook + SHUTDOWN_CAP_SECONDS;
  const from = stated.override !== undefined ? `spec.estimate.overrides[${stated.override - 1}]` : 'spec.estimate.shutdown';
  const extra = { ...(preStop !== undefined ? { preStopSeconds: preStop } : {}), ...(stated.override !== undefined ? { override: stated.override } : {}) };
  const st = stated.statement;
  const hookText = preStop !== undefined ? `preStop sleep ${s1(preStop)}${preStop > grace ? ` (ended by the grace period ${s1(grace)})` : ''}` : '';
  if (st?.model === 'whole-grace') {
    return { seconds: killed, maxSeconds: killed, basis: 'spec', model: 'whole-grace', ...extra, text: `whole grace period ${s1(grace)}${killed > grace ? ` + ${s1(killed - grace)} (the kubelet allows ${s1(KUBELET_MIN_GRACE_SECONDS)} after SIGTERM)` : ''}, ${from}` };
  }
  if (st?.model === 'duration') {
    const seconds = Math.min(Math.max(st.seconds, hook), killed);
    const why = st.seconds < hook ? `, raised to the ${hookText}` : st.seconds > killed ? `, capped by the grace period ${s1(grace)}` : '';
    return { seconds, maxSeconds: killed, basis: 'spec', model: 'duration', ...extra, text: `${s1(st.seconds)} per ${from}${why}` };
  }
  const base = { seconds: graceful, maxSeconds: killed, model: 'graceful' as const, ...extra };
  if (preStop !== undefined) return { ...base, basis: 'observed', text: `${hookText}, then exits within ${s1(SHUTDOWN_CAP_SECONDS)} of SIGTERM${st ? `, graceful per ${from}` : ''}` };
  if (st) return { ...base, basis: 'spec', text: `graceful per ${from}` };
  return { ...base, basis: 'default', text: `default: exits within ${s1(SHUTDOWN_CAP_SECONDS)} of SIGTERM` };
}

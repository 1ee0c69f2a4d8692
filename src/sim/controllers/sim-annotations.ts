/**
 * Annotations that tune the simulation per pod (documented in src/sim/FIDELITY.md). They are
 * read from the pod, so a workload sets them on its pod template.
 */

/** Milliseconds from the kubelet seeing a bound pod until it is Ready (default --pod-startup-ms). */
export const STARTUP_MS_ANNOTATION = 'sim.sdrain.io/startup-ms';
/** "true": the pod runs but never becomes Ready (a failing readiness probe). */
export const NEVER_READY_ANNOTATION = 'sim.sdrain.io/never-ready';
/** Milliseconds from deletion until the pod is gone (default: its grace period, as a kubelet whose containers use all of it; see --max-termination-ms). */
export const TERMINATION_MS_ANNOTATION = 'sim.sdrain.io/termination-ms';
/** Milliseconds a run-to-completion pod runs after it is Ready before it Succeeds (default 3000). */
export const RUN_MS_ANNOTATION = 'sim.sdrain.io/run-ms';

/** Default time a Job's pod runs before it completes. */
export const DEFAULT_RUN_MS = 3000;
/** The cap the demo and the test helpers put on termination (maxTerminationMs), so their drains stay fast. */
export const FAST_TERMINATION_MS = 1000;

/** A non-negative integer annotation value, or undefined when absent or malformed. */
export function msAnnotation(annotations: Record<string, string> | undefined, key: string): number | undefined {
  const v = annotations?.[key];
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

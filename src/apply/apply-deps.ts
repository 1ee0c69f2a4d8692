/**
 * Everything the executor needs from outside, injected so the core never touches process,
 * timers or the network directly: tests pass a fake clock, a recording gateway and a lock.
 */
import type { ClusterGateway } from '../cluster/cluster-gateway.js';
import type { MaintenanceSpec } from '../model/spec.js';
import type { Plan } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import type { ApplyEvent } from './apply-event.js';
import type { Clock } from '../clock.js';
import type { ClusterEvent } from './cluster-events.js';

/**
 * Writes one Kubernetes Event. Resolves with undefined when written, or with a short reason when
 * it could not be (no permission, an old cluster): apply then warns once and carries on.
 */
export type RecordEvent = (event: ClusterEvent) => Promise<string | undefined>;

/** Apply's clock is the one Clock (window checks, durations, event times, waits). */
export type { Clock as ApplyClock } from '../clock.js';

export interface ApplyLock {
  /** Waits for the lock (or throws SdrainError LOCKED naming the holder). */
  acquire(signal: AbortSignal): Promise<{ lost: AbortSignal; release(): Promise<void> }>;
}

/** Runs spec.afterEach.command; resolves with its exit code. Output is streamed via onOutput. */
export type RunCommand = (
  command: string[],
  env: Record<string, string>,
  onOutput: (stream: 'stdout' | 'stderr', text: string) => void,
  signal: AbortSignal,
) => Promise<number>;

/** The planner, injected so apply re-plans with exactly the code that wrote plans. */
export type Replan = (spec: MaintenanceSpec, snapshot: Snapshot) => Plan;

export interface ApplyDeps {
  gateway: ClusterGateway;
  clock: Clock;
  lock: ApplyLock;
  replan: Replan;
  /**
   * The version of this sdrain, whose planner `replan` runs. A plan written by another version
   * is applied only when this version's re-plan makes the same decisions.
   */
  toolVersion: string;
  runCommand: RunCommand;
  onEvent: (event: ApplyEvent) => void;
  /** Kubernetes Events on the objects apply acts on; none recorded when absent. */
  recordEvent?: RecordEvent;
  /** SIGINT/SIGTERM: finish or roll back the step in flight, then stop. */
  signal: AbortSignal;
}

export interface ApplyOptions {
  /** The file name, for messages. */
  file: string;
  /** --expect-digest */
  expectDigest?: string;
}

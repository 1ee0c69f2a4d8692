/**
 * What an apply did, for the summary table and the exit code. Plain data built by the
 * executor; src/render/apply-summary.ts turns it into text.
 */
import type { ObjectRef } from '../model/k8s.js';
import type { Method } from '../model/plan.js';
import type { SdrainError } from '../errors.js';

export type StepStatus = 'done' | 'skipped' | 'failed' | 'interrupted' | 'pending';

export interface WorkloadResult {
  wave: number;
  workload: ObjectRef;
  method: Method;
  /** Pods the plan moves off the wave's nodes. */
  pods: number;
  status: StepStatus;
  /** Lowest ready replicas observed while it moved; null when not observed (bare pods, skipped). */
  minReady: number | null;
  /** The plan's floor for it. */
  expectedMinReady: number;
  ms?: number;
  /** The plan's estimate for this move (absent for plans written before estimates existed). */
  estimateSeconds?: number;
  message?: string;
}

export interface WaveResult {
  index: number;
  nodes: string[];
  status: StepStatus;
  ms?: number;
  /** The plan's estimate for this wave. */
  estimateSeconds?: number;
}

/** The cluster as apply left it after a failure or interruption. */
export interface NodeState {
  name: string;
  cordoned: boolean;
  /** Cordoned by this plan (carries its digest). */
  ours: boolean;
  drained: boolean;
  /** Movable pods still on the node (namespace/name). */
  podsLeft: string[];
}

export interface ApplyResult {
  status: 'done' | 'already-applied' | 'failed' | 'interrupted';
  digest: string;
  resumed: boolean;
  waves: WaveResult[];
  workloads: WorkloadResult[];
  ms: number;
  error?: SdrainError;
  /** Filled after a failure or interruption. */
  nodes?: NodeState[];
}

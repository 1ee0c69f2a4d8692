/**
 * What apply reports while it runs, as plain data: the CLI renders these as live progress, as
 * timestamped lines, or as NDJSON (--events, a stable format: schemas/apply-events.schema.json),
 * and builds the summary and the HTML report from them. `at` is the injected clock's
 * milliseconds, so tests get stable values. Fields are added, never renamed or removed.
 */
import type { ObjectRef } from '../model/k8s.js';
import type { Method } from '../model/plan.js';

/**
 * A method's visible steps, for the report's time axis: surge scales up and back, roll restarts,
 * evict/delete remove one pod each.
 */
export type WorkloadStep = 'scale-up' | 'scale-back' | 'restart' | 'evicted' | 'deleted';

export type ApplyEvent =
  /** First of all: the plan was written by another sdrain version (or in an older format). */
  | { type: 'other-version'; at: number; planVersion: string; toolVersion: string; formatVersion: number }
  | { type: 'start'; at: number; digest: string; waves: number; nodes: number; maintenance: string; estimateSeconds?: number }
  | { type: 'lock-acquired'; at: number }
  | { type: 'drift-checked'; at: number; resumed: boolean }
  | { type: 'already-applied'; at: number }
  | { type: 'wave-start'; at: number; wave: number; nodes: string[]; estimateSeconds?: number }
  | { type: 'wave-skipped'; at: number; wave: number; reason: string }
  | { type: 'node-cordoned'; at: number; wave: number; node: string; already: boolean }
  | { type: 'workload-start'; at: number; wave: number; workload: ObjectRef; method: Method; pods: string[]; replicas: number; expectedMinReady: number; estimateSeconds?: number }
  | { type: 'workload-step'; at: number; wave: number; workload: ObjectRef; step: WorkloadStep; pod?: string; replicas?: number }
  | { type: 'workload-progress'; at: number; wave: number; workload: ObjectRef; ready: number; desired: number; podsLeft: number; phase: string }
  | { type: 'evict-retry'; at: number; wave: number; workload: ObjectRef; pod: string; message: string }
  | { type: 'workload-done'; at: number; wave: number; workload: ObjectRef; minReady: number | null; expectedMinReady: number; ms: number; estimateSeconds?: number }
  | { type: 'workload-failed'; at: number; wave: number; workload: ObjectRef; message: string }
  | { type: 'rollback'; at: number; wave: number; workload: ObjectRef; message: string }
  | { type: 'after-each-start'; at: number; wave: number; node: string; command: string[] }
  | { type: 'after-each-output'; at: number; node: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'after-each-done'; at: number; node: string; exitCode: number }
  | { type: 'node-ready'; at: number; node: string }
  | { type: 'node-uncordoned'; at: number; node: string }
  | { type: 'wave-done'; at: number; wave: number; ms: number; estimateSeconds?: number }
  /** Something apply could not do that does not stop it (e.g. recording Kubernetes Events). */
  | { type: 'warning'; at: number; message: string }
  | { type: 'failed'; at: number; message: string }
  | { type: 'interrupted'; at: number; message: string }
  | { type: 'done'; at: number; ms: number }
  /** Apply refused before any change (exit 3); for DRIFT, what changed and the diff. */
  | { type: 'refused'; at: number; code: string; message: string; hint?: string; changed?: string[]; diff?: string };

export type ApplyEventType = ApplyEvent['type'];

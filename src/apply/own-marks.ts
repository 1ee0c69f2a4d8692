/**
 * The marks apply leaves on what it touches. Every value is derived from the plan digest (never
 * the clock), so repeating a step writes the same bytes, a resumed apply recognises its own
 * earlier work, and drift detection can tell "changed by this plan" from "changed by someone".
 */
import type { KubeObject } from '../model/k8s.js';

/** On nodes it cordoned, workloads it restarted or scaled, pods it marked: the plan digest. */
export const PLAN_DIGEST_ANNOTATION = 'sdrain.io/plan-digest';
/** On a node whose wave finished (pods moved, afterEach run): the plan digest. */
export const DRAINED_ANNOTATION = 'sdrain.io/drained';
/** On a Deployment being surged: `<digest>/wave-<n>:<original replicas>`. */
export const SURGE_ANNOTATION = 'sdrain.io/surge';
/** The template annotation `kubectl rollout restart` sets. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';
/** Low enough that the ReplicaSet removes marked pods before any other ready pod. */
export const MOVE_DELETION_COST = '-1000000';

/** The restartedAt value for a workload rolled in a wave: unique per plan and wave. */
export function restartValue(digest: string, wave: number): string {
  return `${digest}/wave-${wave}`;
}

export function surgeKey(digest: string, wave: number): string {
  return `${digest}/wave-${wave}`;
}

/** Parses a surge annotation; undefined when absent or malformed. */
export function parseSurge(value: string | undefined): { key: string; original: number } | undefined {
  if (!value) return undefined;
  const i = value.lastIndexOf(':');
  if (i < 0) return undefined;
  const original = Number(value.slice(i + 1));
  if (!Number.isInteger(original) || original < 0) return undefined;
  return { key: value.slice(0, i), original };
}

export function formatSurge(key: string, original: number): string {
  return `${key}:${original}`;
}

/** True when the object carries this plan's digest mark. */
export function markedBy(obj: Pick<KubeObject, 'metadata'>, digest: string): boolean {
  return obj.metadata.annotations?.[PLAN_DIGEST_ANNOTATION] === digest;
}

/**
 * Which pods a ReplicaSet deletes first when it has too many: upstream's getPodsToDelete and
 * ActivePodsWithRanks (pkg/controller/controller_utils.go) with the default feature gates
 * (PodDeletionCost and LogarithmicScaleDown on). Earlier in the order = deleted first:
 *   unassigned < assigned; Pending < Unknown < Running; not ready < ready;
 *   lower controller.kubernetes.io/pod-deletion-cost; more related pods on the same node;
 *   ready more recently (log2 buckets) ; more container restarts; created more recently (log2 buckets).
 */
import type { Pod } from '../../model/k8s.js';
import { isPodReady } from '../../kube/pod.js';

/** Lower cost is deleted first (an int32; anything else counts as 0). */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^-?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function readyTime(pod: Pod): number {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

function creationTime(pod: Pod): number {
  const t = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

function maxRestarts(pod: Pod): number {
  let max = 0;
  for (const c of pod.status?.containerStatuses ?? []) max = Math.max(max, c.restartCount ?? 0);
  return max;
}

/** log2 of the age in nanoseconds, truncated; -1 for a zero or negative age (upstream's buckets). */
function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** afterOrZero: a zero time sorts first, else the later time first. */
function afterOrZero(t1: number, t2: number): boolean {
  if (t1 === 0 || t2 === 0) return t1 === 0;
  return t1 > t2;
}

/** Compares by timestamps in log2 age buckets, ties broken by uid (upstream's logarithmic scale-down). */
function newerFirst(t1: number, t2: number, now: number, a: Pod, b: Pod): boolean {
  if (t1 === 0 || t2 === 0) return afterOrZero(t1, t2);
  const diff = logRank(t1, now) - logRank(t2, now);
  if (diff === 0) return (a.metadata.uid ?? '') < (b.metadata.uid ?? '');
  return diff < 0;
}

interface Ranked {
  pod: Pod;
  rank: number;
}

/** ActivePodsWithRanks.Less. */
function less(a: Ranked, b: Ranked, now: number): boolean {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec.nodeName ?? '';
  const nb = pb.spec.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const oa = PHASE_ORDINAL[pa.status?.phase ?? ''] ?? 0;
  const ob = PHASE_ORDINAL[pb.status?.phase ?? ''] ?? 0;
  if (oa !== ob) return oa < ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return !ra;
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra && rb) {
    const ta = readyTime(pa);
    const tb = readyTime(pb);
    if (ta !== tb) return newerFirst(ta, tb, now, pa, pb);
  }
  const xa = maxRestarts(pa);
  const xb = maxRestarts(pb);
  if (xa !== xb) return xa > xb;
  const ka = creationTime(pa);
  const kb = creationTime(pb);
  if (ka !== kb) return newerFirst(ka, kb, now, pa, pb);
  return false;
}

/**
 * The `count` pods of `pods` to delete first. `related` are the active pods of every ReplicaSet
 * of the same owner (colocation rank: how many of them share the pod's node).
 */
export function podsToDelete(pods: Pod[], related: Pod[], count: number, now: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec.nodeName ?? '';
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  // Start from name order so the stable sort is deterministic whatever order pods arrived in.
  const ranked: Ranked[] = [...pods]
    .sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : x.metadata.name > y.metadata.name ? 1 : 0))
    .map((pod) => ({ pod, rank: onNode.get(pod.spec.nodeName ?? '') ?? 0 }));
  ranked.sort((x, y) => (less(x, y, now) ? -1 : less(y, x, now) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}

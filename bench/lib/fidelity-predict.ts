/**
 * What the planner predicted and what it would have ruled out, for the fidelity bench. The plan
 * file does not carry the nodes the planner placed replacements on, so this replays the
 * planner's own waves (the same functions `plan()` composes) on a snapshot read right after
 * `sdrain plan` and reads its what-if cluster. And it judges each pod the real scheduler placed
 * with the planner's filters on the cluster as it ended, to find placements the planner would
 * have refused.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { readLiveSnapshot } from '../../src/cluster/read-snapshot.js';
import type { Pod } from '../../src/model/k8s.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { buildPlacementState } from '../../src/placement/placement-state.js';
import { filterNode, preparePod } from '../../src/placement/pod-context.js';
import { buildClusterIndex } from '../../src/plan/cluster-index.js';
import { orderWaves } from '../../src/plan/order-waves.js';
import { newPlanContext, planWave } from '../../src/plan/plan-wave.js';
import { selectNodes } from '../../src/plan/select-nodes.js';
import { parseSpec } from '../../src/spec/parse-spec.js';
import type { PodTimes } from './fidelity-lifecycle.js';

/** Node → pod count. */
export type Placement = Record<string, number>;

export function readSnapshot(kc: KubeConfig): Promise<Snapshot> {
  return readLiveSnapshot(kc);
}

function add(p: Record<string, Placement>, app: string, node: string): void {
  const m = (p[app] ??= {});
  m[node] = (m[node] ?? 0) + 1;
}

/**
 * The planner's predicted end state in `namespace`: per workload (label app), where its pods are
 * once every wave has run — the pods it leaves and the replacements it placed.
 */
export function predictedPlacement(specText: string, snapshot: Snapshot, namespace: string): Record<string, Placement> {
  const spec = parseSpec(specText, 'maint.yaml');
  const index = buildClusterIndex(snapshot);
  const selection = selectNodes(spec, index);
  const ctx = newPlanContext(spec, snapshot, index);
  for (const nodes of orderWaves(selection.nodes, spec, index.nodes)) planWave(ctx, nodes, 0);
  const out: Record<string, Placement> = {};
  for (const info of ctx.whatIf.placement.nodeInfos()) {
    for (const pod of info.pods.values()) {
      if (pod.metadata.namespace !== namespace) continue;
      const app = pod.metadata.labels?.app;
      if (app) add(out, app, info.name);
    }
  }
  return out;
}

/**
 * Pods of `namespace` created during the move (uids in `times` bound after the watch started)
 * whose node the planner's filters reject on the cluster as it was when the pod was bound:
 * the pods of `before` and `after` (by uid) that were bound by then and not yet gone, those
 * already terminating marked so; nodes as `after` shows them, minus the cordon of the drained
 * nodes (which came first). "<pod> on <node>: <predicate>: <reason>". Pods that came and went
 * during the move (in neither snapshot) are missing from the reconstruction.
 */
export function ruledOutPlacements(before: Snapshot, after: Snapshot, namespace: string, times: ReadonlyMap<string, PodTimes>): string[] {
  const pods = new Map<string, Pod>();
  for (const p of [...before.pods, ...after.pods]) if (p.metadata.uid) pods.set(p.metadata.uid, p);
  const out: string[] = [];
  for (const pod of after.pods) {
    const t = times.get(pod.metadata.uid ?? '');
    if (pod.metadata.namespace !== namespace || !pod.spec.nodeName || t?.bound === undefined || t.bound === -Infinity) continue;
    const at = t.bound;
    const present: Pod[] = [];
    for (const [uid, q] of pods) {
      if (uid === pod.metadata.uid || !q.spec.nodeName) continue;
      const qt = times.get(uid);
      if (q.metadata.namespace === namespace) {
        if (!qt || qt.bound === undefined || qt.bound > at || (qt.gone !== undefined && qt.gone <= at)) continue;
        present.push(qt.terminating !== undefined && qt.terminating <= at && !q.metadata.deletionTimestamp ? { ...q, metadata: { ...q.metadata, deletionTimestamp: '1970-01-01T00:00:00Z' } } : q);
      } else present.push(q);
    }
    const state = buildPlacementState({
      nodes: after.nodes,
      pods: present,
      pvcs: after.pvcs,
      pvs: after.pvs,
      namespaces: after.namespaces,
      storageClasses: after.other.filter((o) => o.kind === 'StorageClass'),
    });
    const node = pod.spec.nodeName;
    const info = state.nodeInfo(node);
    if (!info) continue;
    const { nodeName: _n, ...spec } = pod.spec;
    const fresh: Pod = { ...pod, spec, status: { phase: 'Pending' } };
    const failures = filterNode(preparePod(state, fresh), info).filter((f) => f.predicate !== 'NodeUnschedulable');
    if (failures.length) out.push(`${pod.metadata.name} on ${node}: ${failures.map((f) => `${f.predicate}: ${f.message}`).join('; ')}`);
  }
  return out;
}

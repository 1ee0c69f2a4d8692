/**
 * Replays one wave's moves on the what-if cluster with the scheduler's predicates: evictions
 * free a pod and place its replacement, surges place new pods while the old ones still run,
 * restarts recreate every replica with at most maxSurge extra pods at once. Pods that fit
 * nowhere are reported, not placed (they would stay Pending).
 */
import type { Deployment, Pod, StatefulSet } from '../model/k8s.js';
import type { ResourceAmounts } from '../model/plan.js';
import { podKeyOf } from '../kube/pod.js';
import { assumedProvisionable } from '../placement/predicates/volumes.js';
import type { ClusterIndex } from './cluster-index.js';
import type { MethodDecision } from './choose-method.js';
import { compareStrings, objectKey } from './compare.js';
import { replacementPod, statefulSetReplacement, type WhatIfCluster } from './what-if-cluster.js';
import type { Workload } from './resolve-workload.js';

export interface MoveGroup {
  workload: Workload;
  decision: MethodDecision;
  /** The workload's pods on the wave's nodes (from the snapshot or created by earlier waves), sorted. */
  pods: Pod[];
}

export interface PlacementFailure {
  workload: Workload;
  /** The pod that could not be placed (a replacement or surge pod). */
  pod: Pod;
  /** The pod it replaces. */
  source: Pod;
  /** Wave nodes whose draining caused it. */
  nodes: string[];
  /** kube-scheduler's summary, "0/3 nodes are available: ...". */
  message: string;
}

export interface MoveResult {
  failures: PlacementFailure[];
  /**
   * Per workload key, the unbound claims of its placed pods that placement could only assume
   * bindable because the snapshot holds no StorageClass (see assumedProvisionable).
   */
  assumedClaims: Map<string, { workload: Workload; what: Set<string> }>;
  /** Requests the remaining nodes absorb at peak. */
  absorbed: ResourceAmounts;
}

function addAmounts(target: ResourceAmounts, whatIf: WhatIfCluster, pod: Pod, times = 1): void {
  const r = whatIf.placement.costsOf(pod).request;
  target.cpuMilli += r.cpuMilli * times;
  target.memory += r.memory * times;
  target.pods += r.pods * times;
}

function ordinal(pod: Pod): number {
  const m = /-(\d+)$/.exec(pod.metadata.name);
  return m ? Number(m[1]) : -1;
}

/** The workload's pods placed in the what-if cluster now (snapshot pods not yet replaced, then plan-created ones). */
function podsInState(w: Workload, index: ClusterIndex, whatIf: WhatIfCluster): Pod[] {
  const ns = w.ref.namespace;
  const controllers = w.category === 'deployment'
    ? (index.replicaSetsByController.get(w.key) ?? []).map((rs) => objectKey('ReplicaSet', ns, rs.metadata.name))
    : [w.key];
  const out: Pod[] = [];
  for (const key of controllers) {
    for (const pod of index.podsByController.get(key) ?? []) {
      if (whatIf.placement.getPod(podKeyOf(pod)) === pod) out.push(pod);
    }
  }
  out.push(...whatIf.virtualPodsOf(w.key));
  return out;
}

export function simulateMoves(whatIf: WhatIfCluster, index: ClusterIndex, groups: MoveGroup[], waveNo: number, waveNodes: string[]): MoveResult {
  const failures: PlacementFailure[] = [];
  const absorbed: ResourceAmounts = { cpuMilli: 0, memory: 0, pods: 0 };
  const inWave = new Set(waveNodes);
  const suffix = `~w${waveNo}`;

  const assumedClaims: MoveResult['assumedClaims'] = new Map();
  const place = (g: MoveGroup, pod: Pod, source: Pod, sourceNode: string | undefined): void => {
    const res = whatIf.schedule(pod);
    if (res.node !== undefined) {
      const assumed = assumedProvisionable(whatIf.placement, pod);
      if (assumed.length > 0) {
        let entry = assumedClaims.get(g.workload.key);
        if (!entry) assumedClaims.set(g.workload.key, (entry = { workload: g.workload, what: new Set() }));
        for (const a of assumed) entry.what.add(a);
      }
      whatIf.assign(pod, res.node, g.workload);
      return;
    }
    const nodes = sourceNode !== undefined && inWave.has(sourceNode)
      ? [sourceNode]
      : [...new Set(g.pods.map((p) => whatIf.nodeOf(p) ?? p.spec.nodeName ?? '').filter((n) => inWave.has(n)))].sort(compareStrings);
    failures.push({ workload: g.workload, pod, source, nodes, message: res.message });
  };

  const byMethod = (m: string) => groups.filter((g) => g.decision.method === m);

  for (const g of [...byMethod('delete'), ...byMethod('evict')]) {
    const sts = g.workload.category === 'statefulset';
    for (const old of g.pods) {
      const node = whatIf.nodeOf(old);
      whatIf.unassign(old);
      // Nothing recreates a bare pod: it leaves, whatever the method says.
      if (g.decision.method === 'delete' || g.workload.category === 'unmanaged') continue;
      addAmounts(absorbed, whatIf, old);
      place(g, replacementPod(old, sts ? old.metadata.name : old.metadata.name + suffix), old, node);
    }
  }

  for (const g of byMethod('roll')) {
    for (const p of g.pods) addAmounts(absorbed, whatIf, p);
    const olds = podsInState(g.workload, index, whatIf);
    if (g.workload.category === 'statefulset') {
      const sts = g.workload.object as StatefulSet | undefined;
      olds.sort((a, b) => ordinal(b) - ordinal(a) || compareStrings(a.metadata.name, b.metadata.name));
      for (const old of olds) {
        const node = whatIf.nodeOf(old);
        whatIf.unassign(old);
        place(g, statefulSetReplacement(old, sts), old, node);
      }
      continue;
    }
    const template = (g.workload.object as Deployment | undefined)?.spec.template;
    olds.sort((a, b) => {
      const wa = inWave.has(whatIf.nodeOf(a) ?? '') ? 0 : 1;
      const wb = inWave.has(whatIf.nodeOf(b) ?? '') ? 0 : 1;
      return wa - wb || compareStrings(a.metadata.name, b.metadata.name);
    });
    const fresh = olds.map((o) => replacementPod(o, o.metadata.name + suffix, template));
    const sourceNodes = olds.map((o) => whatIf.nodeOf(o));
    if (g.decision.strategy.type === 'Recreate') {
      for (const old of olds) whatIf.unassign(old);
      fresh.forEach((p, i) => place(g, p, olds[i]!, sourceNodes[i]));
      continue;
    }
    const surge = Math.min(g.decision.strategy.maxSurge, fresh.length);
    if (fresh[0] && surge > 0) addAmounts(absorbed, whatIf, fresh[0], surge);
    let next = 0;
    for (; next < surge; next++) place(g, fresh[next]!, olds[next]!, sourceNodes[next]);
    for (const old of olds) {
      whatIf.unassign(old);
      if (next < fresh.length) {
        place(g, fresh[next]!, olds[next]!, sourceNodes[next]);
        next++;
      }
    }
  }

  const surged: Pod[] = [];
  for (const g of byMethod('surge')) {
    for (const old of g.pods) {
      addAmounts(absorbed, whatIf, old);
      place(g, replacementPod(old, old.metadata.name + suffix), old, whatIf.nodeOf(old));
      surged.push(old);
    }
  }
  for (const old of surged) whatIf.unassign(old);

  return { failures, assumedClaims, absorbed };
}

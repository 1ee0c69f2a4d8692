/**
 * Plans one wave: cordon its nodes, classify the pods on them with the drain rules, choose a
 * method per workload, replay the moves with the scheduler's predicates, then work out budgets,
 * expected availability and the findings. With affinity: skip, a node whose pods fit nowhere
 * is taken out of the wave (NODE_SKIPPED) and the wave is replayed without it.
 */
import type { ObjectRef, Pod } from '../model/k8s.js';
import { keyOfObject } from '../kube/object-key.js';
import type { Action, Finding, FindingCode, ResourceAmounts, UntouchedReason, Wave } from '../model/plan.js';
import { InternalError } from '../errors.js';
import { methodReasonText } from './method-reason.js';
import type { MaintenanceSpec } from '../model/spec.js';
import { podKeyOf } from '../kube/pod.js';
import { DEFAULT_SCHEDULER } from '../kube/pod-defaults.js';
import { formatBytes, formatMilli } from '../kube/quantity.js';
import { nodeUnschedulable } from '../placement/predicates/node-unschedulable.js';
import { taintToleration } from '../placement/predicates/taint-toleration.js';
import { classifyPod } from './classify-pod.js';
import type { ClusterIndex } from './cluster-index.js';
import { chooseMethod, type MethodDecision, type WorkloadFinding } from './choose-method.js';
import { compareStrings, qualifiedName } from './compare.js';
import { availabilityFinding, downtimeFinding, expectedMinReady } from './min-ready.js';
import { bypassEffects, evictionEffects, PdbCache } from './pdb-effects.js';
import { resolveWorkload, type Workload } from './resolve-workload.js';
import { WhatIfCluster } from './what-if-cluster.js';
import type { Snapshot } from '../model/snapshot.js';
import { simulateMoves, type MoveGroup, type PlacementFailure } from './wave-moves.js';

export interface PlanContext {
  spec: MaintenanceSpec;
  index: ClusterIndex;
  whatIf: WhatIfCluster;
  pdbs: PdbCache;
  decisions: Map<string, MethodDecision>;
  /** Workloads whose method findings were already reported (in an earlier wave). */
  reported: Set<string>;
  /** Every workload that got an action, by key. */
  workloads: Map<string, Workload>;
}

/** A fresh context: nothing moved yet, no decisions taken (plan() and tests of one wave start here). */
export function newPlanContext(spec: MaintenanceSpec, snapshot: Snapshot, index: ClusterIndex): PlanContext {
  return { spec, index, whatIf: new WhatIfCluster(snapshot), pdbs: new PdbCache(index), decisions: new Map(), reported: new Set(), workloads: new Map() };
}

export interface WaveOutcome {
  /** undefined when every node of the wave was skipped. */
  wave?: Wave;
  findings: Finding[];
}

const UNTOUCHED_REASON: Partial<Record<FindingCode, UntouchedReason>> = {
  DAEMONSET_POD: 'daemonset',
  MIRROR_POD: 'mirror',
  COMPLETED_POD: 'completed',
  TERMINATING_POD: 'terminating',
};

function podRef(pod: Pod): ObjectRef {
  const r: ObjectRef = { kind: 'Pod', name: pod.metadata.name };
  if (pod.metadata.namespace !== undefined) r.namespace = pod.metadata.namespace;
  return r;
}

function workloadRef(w: Workload): ObjectRef {
  const r: ObjectRef = { kind: w.ref.kind, name: w.ref.name };
  if (w.ref.namespace !== undefined) r.namespace = w.ref.namespace;
  return r;
}

function label(w: Workload): string {
  return `${w.ref.kind} "${qualifiedName(w.ref)}"`;
}

/**
 * Pods bound by another scheduler (spec.schedulerName other than default-scheduler): the plan
 * predicts their new nodes and capacity with kube-scheduler's rules, which that scheduler need
 * not follow. One warning per workload, naming the scheduler(s).
 */
function customSchedulerFinding(what: string, pods: readonly Pod[]): WorkloadFinding | undefined {
  const names = new Set<string>();
  for (const p of pods) {
    const n = p.spec.schedulerName;
    if (typeof n === 'string' && n !== '' && n !== DEFAULT_SCHEDULER) names.add(n);
  }
  if (names.size === 0) return undefined;
  const list = [...names].sort(compareStrings).map((n) => `"${n}"`).join(', ');
  return {
    severity: 'warning',
    code: 'CUSTOM_SCHEDULER',
    message: `${what} is scheduled by ${list}, not by kube-scheduler: where its new pods land and whether they fit is predicted with kube-scheduler's rules, which that scheduler may not follow`,
    hint: "Check that scheduler's placement rules and free capacity before applying (sdrain sim only runs kube-scheduler's rules and leaves such pods Pending)",
  };
}

function finding(f: WorkloadFinding, wave: number, extra: { node?: string; object?: ObjectRef }): Finding {
  const out: Finding = { severity: f.severity, code: f.code, wave, message: f.message };
  if (extra.node !== undefined) out.node = extra.node;
  if (extra.object !== undefined) out.object = extra.object;
  if (f.hint !== undefined) out.hint = f.hint;
  return out;
}

/**
 * Free allocatable on the nodes the moving pods may use: every schedulable node without a
 * NoSchedule/NoExecute taint, and each cordoned or tainted node that one of them passes the
 * NodeUnschedulable and TaintToleration filters of — such as a dedicated, tainted pool its pods
 * tolerate (placement puts them there, so its room counts).
 */
function freeResources(whatIf: WhatIfCluster, moving: readonly Pod[]): ResourceAmounts {
  const free: ResourceAmounts = { cpuMilli: 0, memory: 0, pods: 0 };
  // One pod per distinct toleration list: replicas share theirs.
  const byTolerations = new Map<string, Pod>();
  for (const p of moving) {
    const key = p.spec.tolerations && p.spec.tolerations.length > 0 ? JSON.stringify(p.spec.tolerations) : '';
    if (!byTolerations.has(key)) byTolerations.set(key, p);
  }
  const representatives = [...byTolerations.values()];
  for (const info of whatIf.placement.nodeInfos()) {
    const restricted = info.unschedulable || info.taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    if (restricted && !representatives.some((p) => nodeUnschedulable(p, info).length === 0 && taintToleration(p, info).length === 0)) continue;
    free.cpuMilli += Math.max(0, info.allocatable.cpuMilli - info.requested.cpuMilli);
    free.memory += Math.max(0, info.allocatable.memory - info.requested.memory);
    free.pods += Math.max(0, info.allocatable.pods - info.requested.pods);
  }
  return free;
}

interface Attempt {
  wave: Wave;
  findings: Finding[];
  failures: PlacementFailure[];
  decisionFindings: Map<string, Finding[]>;
  groups: MoveGroup[];
}

function attemptWave(ctx: PlanContext, nodes: string[], waveNo: number, forcedEvict: ReadonlySet<string>): Attempt {
  const { spec, index, whatIf } = ctx;
  for (const n of nodes) whatIf.setUnschedulable(n, true);
  const findings: Finding[] = [];
  const untouched: Wave['untouched'] = [];
  const groups = new Map<string, { workload: Workload; pods: Pod[]; fromSnapshot: Pod[] }>();
  const addToGroup = (w: Workload, pod: Pod, fromSnapshot: boolean): void => {
    let g = groups.get(w.key);
    if (!g) groups.set(w.key, (g = { workload: w, pods: [], fromSnapshot: [] }));
    g.pods.push(pod);
    if (fromSnapshot) g.fromSnapshot.push(pod);
  };

  for (const node of nodes) {
    for (const pod of index.podsByNode.get(node) ?? []) {
      const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      if (!terminal && whatIf.placement.getPod(podKeyOf(pod)) !== pod) continue;
      const workload = resolveWorkload(pod, index);
      const c = classifyPod(pod, { spec, index, workload });
      for (const v of c.verdicts) findings.push(finding(v, waveNo, { node, object: podRef(pod) }));
      if (c.disposition === 'leave') {
        const code = c.verdicts[c.verdicts.length - 1]?.code;
        const reason = code && UNTOUCHED_REASON[code];
        if (!reason) throw new InternalError(`pod ${podKeyOf(pod)} is left alone for no known reason (${code ?? 'no verdict'})`);
        untouched.push({ node, pod: pod.metadata.name, namespace: pod.metadata.namespace ?? '', reason });
        continue;
      }
      addToGroup(workload, pod, true);
    }
    for (const [key, pod] of whatIf.placement.nodeInfo(node)?.pods ?? []) {
      const w = whatIf.virtualWorkload(key);
      if (w) addToGroup(w, pod, false);
    }
  }

  const moveGroups: MoveGroup[] = [];
  const decisionFindings = new Map<string, Finding[]>();
  for (const key of [...groups.keys()].sort(compareStrings)) {
    const g = groups.get(key)!;
    g.pods.sort((a, b) => compareStrings(podKeyOf(a), podKeyOf(b)));
    let decision = ctx.decisions.get(key);
    if (!decision) {
      decision = chooseMethod(g.workload, spec, index, g.pods);
      ctx.decisions.set(key, decision);
    }
    const wFindings = decision.findings.map((f) => finding(f, waveNo, { object: workloadRef(g.workload) }));
    const avail = availabilityFinding(g.workload.ref.kind, label(g.workload), decision.replicas, g.workload.object?.status as { availableReplicas?: number } | undefined);
    if (avail) wFindings.push(finding(avail, waveNo, { object: workloadRef(g.workload) }));
    const custom = customSchedulerFinding(label(g.workload), g.pods);
    if (custom) wFindings.push(finding(custom, waveNo, { object: workloadRef(g.workload) }));
    if (forcedEvict.has(key) && decision.method !== 'evict' && decision.method !== 'delete') {
      findings.push({
        severity: 'warning',
        code: 'METHOD_FALLBACK',
        wave: waveNo,
        object: workloadRef(g.workload),
        message: `${label(g.workload)} is evicted instead of ${decision.method === 'roll' ? 'restarted' : 'surged'} in this wave: its new pods would fit on no remaining node (spec.affinity: evict), so waiting for them would never end`,
      });
      decision = { ...decision, method: 'evict', why: { code: 'FITS_NOWHERE', from: decision.method }, findings: [] };
    }
    decisionFindings.set(key, wFindings);
    moveGroups.push({ workload: g.workload, decision, pods: g.pods });
  }

  // Pods that get a replacement (deleted and bare pods only leave).
  const replaced = moveGroups.filter((g) => g.decision.method !== 'delete' && g.workload.category !== 'unmanaged');
  const free = freeResources(whatIf, replaced.flatMap((g) => g.pods));
  const moves = simulateMoves(whatIf, index, moveGroups, waveNo, nodes);

  const evicted = moveGroups.filter((g) => g.decision.method === 'evict' || g.decision.method === 'delete').flatMap((g) => groups.get(g.workload.key)!.fromSnapshot);
  const eviction = evictionEffects(evicted, ctx.pdbs);
  for (const f of eviction.findings) findings.push(finding(f, waveNo, { object: f.object }));

  const unplaceableBy = new Map<string, number>();
  for (const f of moves.failures) unplaceableBy.set(f.workload.key, (unplaceableBy.get(f.workload.key) ?? 0) + 1);

  const actions: Action[] = [];
  for (const g of moveGroups) {
    const snapPods = groups.get(g.workload.key)!.fromSnapshot;
    const concurrency = snapPods
      .map((p) => eviction.concurrency.get(keyOfObject(p)))
      .filter((c): c is number => c !== undefined);
    const input = {
      kind: g.workload.ref.kind,
      label: label(g.workload),
      method: g.decision.method,
      strategy: g.decision.strategy,
      replicas: g.decision.replicas,
      moved: g.pods.length,
      evictConcurrency: concurrency.length > 0 ? Math.min(...concurrency) : undefined,
      unplaceable: spec.spec.affinity === 'evict' ? (unplaceableBy.get(g.workload.key) ?? 0) : 0,
    };
    const min = expectedMinReady(input);
    const down = downtimeFinding(input, min);
    // A bare pod's loss is already the UNMANAGED_POD finding.
    if (down && g.workload.category !== 'unmanaged') findings.push(finding(down, waveNo, { object: workloadRef(g.workload) }));
    if (g.decision.method === 'roll' || g.decision.method === 'surge') {
      for (const f of bypassEffects(snapPods, g.decision.method, min.expectedMinReady, ctx.pdbs)) findings.push(finding(f, waveNo, { object: f.object }));
    }
    const surgePods = g.decision.method === 'surge' ? g.pods.length : g.decision.method === 'roll' ? g.decision.strategy.maxSurge : 0;
    const action: Action = {
      workload: { ...g.workload.ref },
      method: g.decision.method,
      pods: snapPods.map((p) => p.metadata.name),
      podUids: snapPods.map((p) => p.metadata.uid ?? ''),
      replicas: g.decision.replicas,
      strategy: { ...g.decision.strategy },
      expectedMinReady: min.expectedMinReady,
      surgePods,
      why: g.decision.why,
      reason: methodReasonText(g.decision.why),
      arrivedPods: g.pods.length - snapPods.length,
    };
    actions.push(action);
  }

  for (const key of [...moves.assumedClaims.keys()].sort(compareStrings)) {
    const { workload, what } = moves.assumedClaims.get(key)!;
    findings.push({
      severity: 'warning',
      code: 'STORAGE_CLASS_UNKNOWN',
      wave: waveNo,
      object: workloadRef(workload),
      message: `${label(workload)}'s new pods mount unbound ${[...what].sort(compareStrings).join(', ')} whose StorageClass is unset or not in the snapshot, which holds no StorageClass at all: the plan assumes they can be bound on any node, while kube-scheduler leaves such a pod Pending unless its class exists and can bind or provision a volume there`,
      hint: 'Include the StorageClasses in the snapshot (kubectl get storageclass -o yaml) so the plan can check how these claims bind',
    });
  }

  const over: string[] = [];
  if (moves.absorbed.cpuMilli > free.cpuMilli) over.push('cpu');
  if (moves.absorbed.memory > free.memory) over.push('memory');
  if (moves.absorbed.pods > free.pods) over.push('pods');
  if (over.length > 0) {
    findings.push({
      severity: spec.spec.affinity === 'fail' ? 'error' : 'warning',
      code: 'INSUFFICIENT_CAPACITY',
      wave: waveNo,
      message: `The wave needs more ${over.join(', ')} than the remaining schedulable nodes have free: at peak ${formatMilli(moves.absorbed.cpuMilli)} cpu, ${formatBytes(moves.absorbed.memory)} memory, ${moves.absorbed.pods} pods; free ${formatMilli(free.cpuMilli)} cpu, ${formatBytes(free.memory)} memory, ${free.pods} pods`,
      hint: 'Add nodes, lower concurrency, or move fewer pods at once',
    });
  }

  untouched.sort((a, b) => compareStrings(a.node, b.node) || compareStrings(a.namespace, b.namespace) || compareStrings(a.pod, b.pod));
  const wave: Wave = { index: waveNo, nodes: [...nodes], actions, surge: moves.absorbed, free, untouched };
  return { wave, findings, failures: moves.failures, decisionFindings, groups: moveGroups };
}

/** One finding per workload and scheduler message, naming how many pods it concerns. */
function failureFindings(failures: PlacementFailure[], policy: MaintenanceSpec['spec']['affinity'], waveNo: number): Finding[] {
  const byKey = new Map<string, PlacementFailure[]>();
  for (const f of failures) {
    const k = `${f.workload.key}\u0000${f.message}`;
    const list = byKey.get(k);
    if (list) list.push(f);
    else byKey.set(k, [f]);
  }
  const out: Finding[] = [];
  for (const k of [...byKey.keys()].sort(compareStrings)) {
    const list = byKey.get(k)!;
    const first = list[0]!;
    const sources = list.map((f) => `"${f.source.metadata.name}"`).join(', ');
    const what = `${list.length} replacement pod(s) of ${label(first.workload)} (for ${sources})`;
    const f: Finding = policy === 'evict'
      ? {
          severity: 'warning',
          code: 'AFFINITY_EVICT',
          wave: waveNo,
          object: workloadRef(first.workload),
          message: `${what} fit on no remaining node and will stay Pending (spec.affinity: evict): ${first.message}`,
        }
      : {
          severity: 'error',
          code: 'UNPLACEABLE',
          wave: waveNo,
          object: workloadRef(first.workload),
          message: `Cannot place ${what}: ${first.message}`,
          hint: 'Free capacity or relax the pod\'s constraints; or set spec.affinity to evict (accept Pending pods) or skip (leave such nodes out)',
        };
    const node = first.nodes[0];
    if (node !== undefined) f.node = node;
    out.push(f);
  }
  return out;
}

export function planWave(ctx: PlanContext, nodes: string[], waveNo: number): WaveOutcome {
  const skippedFindings: Finding[] = [];
  let active = [...nodes];
  const forcedEvict = new Set<string>();
  for (;;) {
    const attempt = attemptWave(ctx, active, waveNo, forcedEvict);
    if (ctx.spec.spec.affinity === 'evict') {
      const more = attempt.failures.filter((f) => !forcedEvict.has(f.workload.key) && attempt.groups.some((g) => g.workload.key === f.workload.key && (g.decision.method === 'roll' || g.decision.method === 'surge')));
      if (more.length > 0) {
        // Surging or restarting would wait forever for pods that fit nowhere: evict those workloads and replay.
        for (const f of more) forcedEvict.add(f.workload.key);
        ctx.whatIf.rollback();
        continue;
      }
    }
    if (ctx.spec.spec.affinity === 'skip' && attempt.failures.length > 0) {
      const bad = new Map<string, PlacementFailure>();
      for (const f of attempt.failures) for (const n of f.nodes) if (active.includes(n) && !bad.has(n)) bad.set(n, f);
      if (bad.size > 0) {
        ctx.whatIf.rollback();
        for (const [n, f] of [...bad].sort((a, b) => compareStrings(a[0], b[0]))) {
          skippedFindings.push({
            severity: 'warning',
            code: 'NODE_SKIPPED',
            wave: waveNo,
            node: n,
            object: workloadRef(f.workload),
            message: `Node "${n}" is left out of the maintenance (spec.affinity: skip): a replacement for Pod "${qualifiedName(f.source.metadata)}" of ${label(f.workload)} fits on no other node: ${f.message}`,
          });
        }
        active = active.filter((n) => !bad.has(n));
        if (active.length === 0) return { findings: skippedFindings };
        continue;
      }
    }
    const findings = [...skippedFindings, ...attempt.findings, ...failureFindings(attempt.failures, ctx.spec.spec.affinity, waveNo)];
    for (const [key, list] of attempt.decisionFindings) {
      if (ctx.reported.has(key)) continue;
      ctx.reported.add(key);
      findings.push(...list);
    }
    for (const g of attempt.groups) if (!ctx.workloads.has(g.workload.key)) ctx.workloads.set(g.workload.key, g.workload);
    ctx.whatIf.commit();
    if (ctx.spec.spec.afterEach?.uncordon) {
      for (const n of active) ctx.whatIf.setUnschedulable(n, false);
      ctx.whatIf.commit();
    }
    return { wave: attempt.wave, findings };
  }
}

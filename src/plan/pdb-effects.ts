/**
 * What PodDisruptionBudgets do to a wave. Only evictions go through budgets: a pod covered by
 * two budgets is refused outright (the API answers 500), a budget that allows no disruption
 * even with every pod healthy blocks for good, one that is short only because some pods are
 * unhealthy makes evictions wait. Roll and surge bypass the Eviction API, so budgets cannot
 * block them, but a budget already at its limit is worth a warning.
 */
import type { FindingCode } from '../model/plan.js';
import { keyOfObject } from '../kube/object-key.js';
import type { Pod, PodDisruptionBudget } from '../model/k8s.js';
import { isPodReady, isTerminal } from '../kube/pod.js';
import { resolveIntOrPercent } from '../kube/rolling.js';
import { fromLabelSelector, matches, type Selector } from '../kube/selector.js';
import type { ClusterIndex } from './cluster-index.js';
import { qualifiedName } from './compare.js';

export interface PdbBudget {
  pdb: PodDisruptionBudget;
  /** Evictions the budget allows right now. */
  allowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  /** True when read from status (the disruption controller's numbers), false when computed. */
  fromStatus: boolean;
}

/** Memoises parsed selectors and budgets for one plan. */
export class PdbCache {
  private selectors = new Map<PodDisruptionBudget, Selector | undefined>();
  private budgets = new Map<PodDisruptionBudget, PdbBudget>();
  constructor(private readonly index: ClusterIndex) {}

  /** Budgets in the pod's namespace whose selector matches it (a null selector matches nothing). */
  pdbsFor(pod: Pod): PodDisruptionBudget[] {
    const out: PodDisruptionBudget[] = [];
    for (const pdb of this.index.pdbsByNamespace.get(pod.metadata.namespace ?? '') ?? []) {
      const sel = this.selector(pdb);
      if (sel && matches(sel, pod.metadata.labels)) out.push(pdb);
    }
    return out;
  }

  budget(pdb: PodDisruptionBudget): PdbBudget {
    let b = this.budgets.get(pdb);
    if (!b) {
      b = this.compute(pdb);
      this.budgets.set(pdb, b);
    }
    return b;
  }

  private selector(pdb: PodDisruptionBudget): Selector | undefined {
    if (!this.selectors.has(pdb)) this.selectors.set(pdb, fromLabelSelector(pdb.spec?.selector));
    return this.selectors.get(pdb);
  }

  private compute(pdb: PodDisruptionBudget): PdbBudget {
    const st = pdb.status;
    let counted: Counts | undefined;
    const count = (): Counts => (counted ??= this.count(pdb));
    if (st && typeof st.disruptionsAllowed === 'number') {
      // The disruption controller's numbers; pods are counted only for those it left out.
      return {
        pdb,
        allowed: st.disruptionsAllowed,
        currentHealthy: st.currentHealthy ?? count().currentHealthy,
        desiredHealthy: st.desiredHealthy ?? count().desiredHealthy,
        expectedPods: st.expectedPods ?? count().expectedPods,
        fromStatus: true,
      };
    }
    const c = count();
    return { pdb, allowed: Math.max(0, c.currentHealthy - c.desiredHealthy), ...c, fromStatus: false };
  }

  /** What the disruption controller would compute from the budget's pods. */
  private count(pdb: PodDisruptionBudget): Counts {
    const sel = this.selector(pdb);
    const pods = sel ? (this.index.podsByNamespace.get(pdb.metadata.namespace ?? '') ?? []).filter((p) => !isTerminal(p) && matches(sel, p.metadata.labels)) : [];
    const expectedPods = pods.length;
    const currentHealthy = pods.filter(isPodReady).length;
    let desiredHealthy = 0;
    try {
      if (pdb.spec?.minAvailable !== undefined) desiredHealthy = resolveIntOrPercent(pdb.spec.minAvailable, expectedPods, true);
      else if (pdb.spec?.maxUnavailable !== undefined) desiredHealthy = Math.max(0, expectedPods - resolveIntOrPercent(pdb.spec.maxUnavailable, expectedPods, true));
    } catch {
      desiredHealthy = expectedPods;
    }
    return { currentHealthy, desiredHealthy, expectedPods };
  }
}

interface Counts {
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
}

export interface PdbFinding {
  severity: 'error' | 'warning' | 'info';
  code: FindingCode;
  message: string;
  hint?: string;
  /** The pod concerned (PDB_MULTIPLE) or the budget (other codes). */
  object: { kind: string; namespace?: string; name: string };
}

/**
 * An unhealthy pod may be evicted even from an exhausted budget when the policy is AlwaysAllow,
 * or (IfHealthyBudget, the default) when the budget has all the healthy pods it wants.
 */
function evictableDespiteBudget(pod: Pod, b: PdbBudget): boolean {
  if (isPodReady(pod)) return false;
  const policy = (b.pdb.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
  return policy === 'AlwaysAllow' || b.currentHealthy >= b.desiredHealthy;
}

function budgetText(b: PdbBudget): string {
  const spec = b.pdb.spec ?? {};
  const rule = spec.minAvailable !== undefined ? `minAvailable ${String(spec.minAvailable)}` : spec.maxUnavailable !== undefined ? `maxUnavailable ${String(spec.maxUnavailable)}` : 'no minimum';
  return `${rule}; ${b.currentHealthy} of ${b.expectedPods} pod(s) healthy, ${b.desiredHealthy} required`;
}

function pdbRef(pdb: PodDisruptionBudget): PdbFinding['object'] {
  const r: PdbFinding['object'] = { kind: 'PodDisruptionBudget', name: pdb.metadata.name };
  if (pdb.metadata.namespace !== undefined) r.namespace = pdb.metadata.namespace;
  return r;
}

export interface EvictionEffects {
  findings: PdbFinding[];
  /** Per evicted pod key (ns/name): how many evictions its budget lets run at once (absent: no budget). */
  concurrency: Map<string, number>;
}

/** Budgets met by the pods a wave evicts (methods evict and delete). */
export function evictionEffects(pods: Pod[], cache: PdbCache): EvictionEffects {
  const findings: PdbFinding[] = [];
  const concurrency = new Map<string, number>();
  const blocked = new Map<PodDisruptionBudget, Pod[]>();
  for (const pod of pods) {
    const pdbs = cache.pdbsFor(pod);
    if (pdbs.length > 1) {
      const podRef: PdbFinding['object'] = { kind: 'Pod', name: pod.metadata.name };
      if (pod.metadata.namespace !== undefined) podRef.namespace = pod.metadata.namespace;
      findings.push({
        severity: 'error',
        code: 'PDB_MULTIPLE',
        object: podRef,
        message: `Cannot evict Pod "${qualifiedName(pod.metadata)}": it is covered by ${pdbs.length} PodDisruptionBudgets (${pdbs.map((p) => `"${p.metadata.name}"`).join(', ')}) and the Eviction API refuses such pods`,
        hint: 'Make the budgets select disjoint pods',
      });
      continue;
    }
    const pdb = pdbs[0];
    if (!pdb) continue;
    const b = cache.budget(pdb);
    concurrency.set(keyOfObject(pod), Math.max(1, b.allowed));
    if (b.allowed <= 0 && !evictableDespiteBudget(pod, b)) {
      const list = blocked.get(pdb);
      if (list) list.push(pod);
      else blocked.set(pdb, [pod]);
    }
  }
  for (const [pdb, blockedPods] of blocked) {
    const b = cache.budget(pdb);
    const never = b.desiredHealthy >= b.expectedPods;
    const names = blockedPods.map((p) => `"${p.metadata.name}"`).join(', ');
    findings.push({
      severity: never ? 'error' : 'warning',
      code: 'PDB_BLOCKS',
      object: pdbRef(pdb),
      message: never
        ? `Cannot evict pod(s) ${names}: PodDisruptionBudget "${qualifiedName(pdb.metadata)}" allows 0 disruptions even with every pod healthy (${budgetText(b)})`
        : `Evicting pod(s) ${names} waits: PodDisruptionBudget "${qualifiedName(pdb.metadata)}" allows 0 disruptions until unhealthy pods recover (${budgetText(b)})`,
      hint: never
        ? 'Move the workload with roll or surge (an override), scale it up, or relax the budget'
        : 'Fix the unhealthy pods first, or expect the eviction to wait up to spec.timeouts.workload',
    });
  }
  return { findings, concurrency };
}

/** Budgets at their limit over pods a roll/surge replaces: not blocking, but the reviewer should know. */
export function bypassEffects(pods: Pod[], method: 'roll' | 'surge', expectedMinReady: number, cache: PdbCache): PdbFinding[] {
  const seen = new Set<PodDisruptionBudget>();
  const out: PdbFinding[] = [];
  for (const pod of pods) {
    for (const pdb of cache.pdbsFor(pod)) {
      if (seen.has(pdb)) continue;
      seen.add(pdb);
      const b = cache.budget(pdb);
      if (b.allowed > 0 && expectedMinReady >= b.desiredHealthy) continue;
      out.push({
        severity: 'warning',
        code: 'PDB_AT_LIMIT',
        object: pdbRef(pdb),
        message: `PodDisruptionBudget "${qualifiedName(pdb.metadata)}" ${b.allowed <= 0 ? 'allows 0 disruptions' : `requires ${b.desiredHealthy} healthy pod(s)`} (${budgetText(b)}); ${method} does not use the Eviction API, so the budget does not stop it${expectedMinReady < b.desiredHealthy ? `, and the move may leave only ${expectedMinReady} ready` : ''}`,
      });
    }
  }
  return out;
}

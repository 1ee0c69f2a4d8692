/**
 * The planner's what-if cluster: the shared PlacementState plus the pods the plan itself creates
 * (replacements), with an undo journal so a wave can be tried, rolled back (affinity: skip
 * removes a node and retries) and committed — without cloning 150,000 pods per wave.
 */
import type { Pod, PodTemplate } from '../model/k8s.js';
import type { Snapshot } from '../model/snapshot.js';
import { podKeyOf } from '../kube/pod.js';
import { buildPlacementState, type PlacementState } from '../placement/placement-state.js';
import type { Workload } from './resolve-workload.js';
import { SampledScheduler } from './sampled-scheduler.js';

export class SimState {
  readonly placement: PlacementState;
  /** Where replacements go: the shared filters and scores, sampled like kube-scheduler. */
  readonly scheduler = new SampledScheduler();
  /** Replacement pods created by the plan, by podKey → their workload. */
  private virtual = new Map<string, Workload>();
  /** Keys of replacement pods ever created per workload key (filter with nodeOf/virtualWorkload). */
  private byWorkload = new Map<string, Set<string>>();
  private undo: (() => void)[] = [];

  constructor(snapshot: Snapshot) {
    this.placement = buildPlacementState({
      nodes: snapshot.nodes,
      pods: snapshot.pods,
      pvcs: snapshot.pvcs,
      pvs: snapshot.pvs,
      namespaces: snapshot.namespaces,
      storageClasses: snapshot.other.filter((o) => o.kind === 'StorageClass'),
    });
  }

  /** The workload of a pod the plan created, or undefined for pods from the snapshot. */
  virtualWorkload(key: string): Workload | undefined {
    return this.virtual.get(key);
  }

  /** Plan-created pods of a workload that are placed now. */
  virtualPodsOf(workloadKey: string): Pod[] {
    const out: Pod[] = [];
    for (const key of this.byWorkload.get(workloadKey) ?? []) {
      if (this.virtual.get(key)?.key !== workloadKey) continue;
      const pod = this.placement.getPod(key);
      if (pod) out.push(pod);
    }
    return out;
  }

  nodeOf(pod: Pod | string): string | undefined {
    return this.placement.nodeOf(pod);
  }

  assign(pod: Pod, node: string, workload?: Workload): void {
    const key = podKeyOf(pod);
    if (this.placement.nodeOf(key) !== undefined) this.unassign(key);
    this.placement.assign(pod, node);
    this.undo.push(() => this.placement.unassign(key));
    if (workload) {
      const prev = this.virtual.get(key);
      this.virtual.set(key, workload);
      let set = this.byWorkload.get(workload.key);
      if (!set) this.byWorkload.set(workload.key, (set = new Set()));
      const had = set.has(key);
      set.add(key);
      const owned = set;
      this.undo.push(() => {
        if (prev) this.virtual.set(key, prev);
        else this.virtual.delete(key);
        if (!had) owned.delete(key);
      });
    }
  }

  unassign(pod: Pod | string): void {
    const key = typeof pod === 'string' ? pod : podKeyOf(pod);
    const node = this.placement.nodeOf(key);
    if (node === undefined) return;
    const placed = this.placement.getPod(key)!;
    this.placement.unassign(key);
    this.undo.push(() => this.placement.assign(placed, node));
  }

  setUnschedulable(node: string, value: boolean): void {
    const prev = this.placement.nodeInfo(node)?.unschedulable ?? false;
    this.placement.setUnschedulable(node, value);
    this.undo.push(() => this.placement.setUnschedulable(node, prev));
  }

  /** Forgets the undo log: everything done so far stays. */
  commit(): void {
    this.undo = [];
  }

  /** Undoes everything since the last commit. */
  rollback(): void {
    for (let op = this.undo.pop(); op; op = this.undo.pop()) op();
  }
}

/**
 * The pod a controller would create in place of `old`: same namespace and owner, unbound, from
 * `template` when given (a restart uses the workload's current template) else from the old pod.
 * `name` must be unique among placed pods unless it replaces a pod of the same name (StatefulSet).
 */
export function replacementPod(old: Pod, name: string, template?: PodTemplate): Pod {
  const source = template?.spec ?? old.spec;
  const { nodeName: _nodeName, ...spec } = source;
  const metadata: Pod['metadata'] = { name, labels: { ...(template?.metadata?.labels ?? old.metadata.labels ?? {}) } };
  if (old.metadata.namespace !== undefined) metadata.namespace = old.metadata.namespace;
  if (old.metadata.ownerReferences) metadata.ownerReferences = old.metadata.ownerReferences;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status: { phase: 'Pending' } };
}

/**
 * The scheduler cache the scheduler and the kubelet share: one PlacementState (src/placement)
 * kept current from store events — pods assigned when bound, unassigned when they finish or go,
 * nodes upserted — and rebuilt from the ObjectCache only when claims, volumes, StorageClasses or
 * Namespaces change (their maps are fixed at build time). It reads what the planner's placement
 * reads (src/plan/what-if-cluster.ts), so both judge a pod alike. Built lazily, so a controller
 * set that never schedules never pays for it.
 */
import type { KubeObject, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../../model/k8s.js';
import { isTerminal, podKeyOf } from '../../kube/pod.js';
import { buildPlacementState, type PlacementState } from '../../placement/index.js';
import type { StoreEvent } from '../store/types.js';
import type { ObjectCache } from './object-cache.js';

function placed(pod: Pod | undefined): boolean {
  return !!pod && !!pod.spec.nodeName && !isTerminal(pod);
}

/** Kinds whose changes rebuild the state (see the file comment). */
export const REBUILT_ON: ReadonlySet<string> = new Set(['PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'Namespace']);

/** See the file comment. */
export class PlacementView {
  private state: PlacementState | undefined;

  constructor(private readonly cache: ObjectCache) {}

  /** The current state (built on first use). Read it; change the cluster through the store. */
  get(): PlacementState {
    this.state ??= buildPlacementState({
      nodes: [...this.cache.all<Node>('Node')],
      pods: [...this.cache.all<Pod>('Pod')],
      pvcs: [...this.cache.all<PersistentVolumeClaim>('PersistentVolumeClaim')],
      pvs: [...this.cache.all<PersistentVolume>('PersistentVolume')],
      namespaces: [...this.cache.all<Namespace>('Namespace')],
      storageClasses: [...this.cache.all<KubeObject>('StorageClass')],
    });
    return this.state;
  }

  /** Applies a store event (after the ObjectCache has). */
  apply(ev: StoreEvent): void {
    const state = this.state;
    if (!state) return;
    if (ev.kind === 'Node') {
      if (ev.type === 'DELETED') state.removeNode(ev.object.metadata.name);
      else state.upsertNode(ev.object as Node);
      return;
    }
    if (REBUILT_ON.has(ev.kind)) {
      this.state = undefined;
      return;
    }
    if (ev.kind !== 'Pod') return;
    const pod = ev.object as Pod;
    const old = ev.old as Pod | undefined;
    const nowPlaced = ev.type !== 'DELETED' && placed(pod);
    if (!nowPlaced) {
      if (placed(old) || ev.type === 'DELETED') state.unassign(podKeyOf(pod));
      return;
    }
    const moved = !placed(old) || old!.spec.nodeName !== pod.spec.nodeName;
    const relabelled = !!old && JSON.stringify(old.metadata.labels) !== JSON.stringify(pod.metadata.labels);
    if ((moved || relabelled) && state.nodeInfo(pod.spec.nodeName!)) state.assign(pod, pod.spec.nodeName!);
  }
}

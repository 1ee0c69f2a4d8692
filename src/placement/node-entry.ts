/** A node's entry in a PlacementState: the NodeInfo the predicates read, mutable only by the state. */
import type { Node, Pod } from '../model/k8s.js';
import { podKeyOf } from '../kube/pod.js';
import type { Resources } from '../kube/resources.js';
import type { NodeInfo, Taint } from './node-info.js';

/** Read through NodeInfo by everyone; only its PlacementState writes the mutable fields. */
export class NodeEntry implements NodeInfo {
  /**
   * Pods placed here while the state was built, before `podMap` exists: most nodes' pods are
   * never listed, so the map is made on first read or change.
   */
  private initial: Pod[] = [];
  private podMap: Map<string, Pod> | undefined;

  constructor(
    readonly name: string,
    public node: Node,
    public unschedulable: boolean,
    public labels: Record<string, string>,
    public taints: Taint[],
    public allocatable: Resources,
    readonly requested: Resources,
    readonly nonZeroRequested: Resources,
  ) {}

  /** Pods placed here by `podKey`, in placement order. */
  get pods(): ReadonlyMap<string, Pod> {
    return this.mutablePods();
  }

  /** The pod map, built from `initial` on first use. */
  mutablePods(): Map<string, Pod> {
    let map = this.podMap;
    if (map === undefined) {
      map = new Map();
      for (const pod of this.initial) map.set(podKeyOf(pod), pod);
      this.podMap = map;
      this.initial = [];
    }
    return map;
  }

  /** While building: records a pod placed here (its key is new to the state). */
  addInitial(key: string, pod: Pod): void {
    if (this.podMap) this.podMap.set(key, pod);
    else this.initial.push(pod);
  }
}

/**
 * How a PlacementState holds a placed pod: a Placed, or — for most pods placed while building —
 * the pod itself, placed on its spec.nodeName, its costs summed directly (computed again,
 * identically, when needed). Saves an object per pod of a 150,000-pod cluster.
 */
import type { Pod } from '../model/k8s.js';
import { podCosts, type Resources } from '../kube/resources.js';

export interface PodCosts {
  request: Resources;
  nonZero: Resources;
}

/** A pod placed by `assign` (or while building, when its costs could not be summed directly). */
export class Placed {
  constructor(
    readonly pod: Pod,
    readonly node: string,
    public costs: PodCosts | undefined,
  ) {}
}

export type Entry = Pod | Placed;

export const entryPod = (e: Entry): Pod => (e instanceof Placed ? e.pod : e);
export const entryNode = (e: Entry): string => (e instanceof Placed ? e.node : e.spec.nodeName!);

/** The costs of a placed pod: kept on a Placed, or in `cache` for a bare entry. */
export function entryCosts(e: Entry, cache: WeakMap<Pod, PodCosts>): PodCosts {
  if (e instanceof Placed) return (e.costs ??= podCosts(e.pod));
  let costs = cache.get(e);
  if (!costs) cache.set(e, (costs = podCosts(e)));
  return costs;
}

/** What placement knows about one node, as the predicates read it. */
import type { Node, Pod } from '../model/k8s.js';
import type { Resources } from '../kube/resources.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** What placement knows about one node. Read-only to callers: change it through PlacementState. */
export interface NodeInfo {
  readonly name: string;
  readonly node: Node;
  /** spec.unschedulable, or as overridden by `setUnschedulable`. */
  readonly unschedulable: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly allocatable: Readonly<Resources>;
  /** Sum of the requests of the pods placed here. */
  readonly requested: Readonly<Resources>;
  /** Same with kube-scheduler's scoring defaults for containers without requests. */
  readonly nonZeroRequested: Readonly<Resources>;
  /** Pods placed here by `podKey`. */
  readonly pods: ReadonlyMap<string, Pod>;
}

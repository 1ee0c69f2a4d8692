/**
 * The shape every drain rule returns, after kubectl's pkg/drain filters: a rule looks at one
 * pod and says whether it stays, moves or is deleted, with a finding explaining why. Rules run
 * in a fixed order and every verdict is kept, so all problems are reported at once.
 */
import type { Pod } from '../../model/k8s.js';
import type { FindingCode, Severity } from '../../model/plan.js';
import type { MaintenanceSpec } from '../../model/spec.js';
import type { ClusterIndex } from '../cluster-index.js';
import type { Workload } from '../resolve-workload.js';

/** leave: the pod stays on the node (later rules are not run). move: it moves with its workload. delete: it is removed for good. */
export type Disposition = 'leave' | 'move' | 'delete';

export interface PodVerdict {
  disposition: Disposition;
  severity: Severity;
  code: FindingCode;
  message: string;
  hint?: string;
}

export interface FilterContext {
  spec: MaintenanceSpec;
  index: ClusterIndex;
  workload: Workload;
}

/** One rule: undefined when it has nothing to say about the pod. */
export type PodFilter = (pod: Pod, ctx: FilterContext) => PodVerdict | undefined;

/** `Pod "ns/name"` as messages quote it. */
export function podName(pod: Pod): string {
  return `Pod "${pod.metadata.namespace ? `${pod.metadata.namespace}/` : ''}${pod.metadata.name}"`;
}

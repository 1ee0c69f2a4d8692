import { qualifiedName } from '../compare.js';
import { podName, type PodFilter } from './pod-verdict.js';

/**
 * Owners sdrain does not drive (Job, ReplicationController, bare ReplicaSet, custom
 * controllers) get their pods evicted and are trusted to recreate them; a missing owner is
 * called out because nothing in the snapshot proves the pod will come back.
 */
export const ownerKindFilter: PodFilter = (pod, ctx) => {
  const w = ctx.workload;
  if (w.category === 'unknown-owner') {
    return {
      disposition: 'move',
      severity: 'warning',
      code: 'UNKNOWN_OWNER',
      message: `${podName(pod)} is controlled by ${w.ref.kind} "${qualifiedName(w.ref)}", which is not in the cluster data: it will be evicted and may not come back`,
      hint: 'Include the owner in the snapshot, or check that its controller recreates evicted pods',
    };
  }
  if (w.category === 'evict-only') {
    const job = w.ref.kind === 'Job';
    return {
      disposition: 'move',
      severity: 'warning',
      code: 'EVICT_ONLY_OWNER',
      message: job
        ? `${podName(pod)} belongs to Job "${qualifiedName(w.ref)}": it will be evicted and the Job restarts its work in a new pod`
        : `${podName(pod)} belongs to ${w.ref.kind} "${qualifiedName(w.ref)}", which sdrain does not roll: it will be evicted and its controller is trusted to recreate it`,
    };
  }
  return undefined;
};

/**
 * The drain rules in the order they run. The first "leave" verdict stops the chain (the pod
 * stays on the node); every other verdict is kept so all problems are reported together.
 */
import type { Pod } from '../model/k8s.js';
import { completedFilter } from './filters/completed-filter.js';
import { daemonSetFilter } from './filters/daemonset-filter.js';
import { localStorageFilter } from './filters/local-storage-filter.js';
import { mirrorFilter } from './filters/mirror-filter.js';
import { doNotDisruptFilter, safeToEvictFilter } from './filters/opt-out-filter.js';
import { ownerKindFilter } from './filters/owner-kind-filter.js';
import type { FilterContext, PodFilter, PodVerdict } from './filters/pod-verdict.js';
import { unmanagedFilter } from './filters/unmanaged-filter.js';

export const POD_FILTERS: readonly PodFilter[] = [
  daemonSetFilter,
  mirrorFilter,
  completedFilter,
  unmanagedFilter,
  ownerKindFilter,
  localStorageFilter,
  safeToEvictFilter,
  doNotDisruptFilter,
];

export interface PodClassification {
  /** 'leave' when the pod stays, 'delete' when it is removed for good, else 'move'. */
  disposition: 'leave' | 'move' | 'delete';
  verdicts: PodVerdict[];
}

/** Runs every rule on one pod. */
export function classifyPod(pod: Pod, ctx: FilterContext): PodClassification {
  const verdicts: PodVerdict[] = [];
  let disposition: PodClassification['disposition'] = 'move';
  for (const filter of POD_FILTERS) {
    const v = filter(pod, ctx);
    if (!v) continue;
    verdicts.push(v);
    if (v.disposition === 'leave') return { disposition: 'leave', verdicts };
    if (v.disposition === 'delete') disposition = 'delete';
  }
  return { disposition, verdicts };
}

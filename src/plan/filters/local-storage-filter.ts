import { hasLocalStorage, localStorageVolumes } from '../../kube/pod.js';
import { podName, type PodFilter } from './pod-verdict.js';

/** emptyDir data lives on the node and is lost when the pod moves. */
export const localStorageFilter: PodFilter = (pod, ctx) => {
  if (!hasLocalStorage(pod)) return undefined;
  const vols = localStorageVolumes(pod).map((v) => `"${v}"`).join(', ');
  if (ctx.spec.spec.workloads.localStorage === 'delete') {
    return {
      disposition: 'move',
      severity: 'warning',
      code: 'LOCAL_STORAGE',
      message: `${podName(pod)} uses emptyDir volume(s) ${vols}: their data is lost when it moves`,
    };
  }
  return {
    disposition: 'move',
    severity: 'error',
    code: 'LOCAL_STORAGE',
    message: `Cannot move ${podName(pod)}: its emptyDir volume(s) ${vols} would lose their data`,
    hint: 'Set spec.workloads.localStorage: delete to accept losing the emptyDir data',
  };
};

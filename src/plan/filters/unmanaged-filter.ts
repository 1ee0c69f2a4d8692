import { podName, type PodFilter } from './pod-verdict.js';

/** A pod without a controller is not recreated anywhere: moving it means deleting it for good. */
export const unmanagedFilter: PodFilter = (pod, ctx) => {
  if (ctx.workload.category !== 'unmanaged') return undefined;
  if (ctx.spec.spec.workloads.unmanaged === 'delete') {
    return {
      disposition: 'delete',
      severity: 'warning',
      code: 'UNMANAGED_POD',
      message: `${podName(pod)} has no controller: it will be deleted and nothing recreates it`,
    };
  }
  return {
    disposition: 'move',
    severity: 'error',
    code: 'UNMANAGED_POD',
    message: `Cannot move ${podName(pod)}: it has no controller, so nothing would recreate it`,
    hint: 'Recreate it under a Deployment, delete it yourself, or set spec.workloads.unmanaged: delete to accept losing it',
  };
};

import { isDaemonSetPod } from '../../kube/pod.js';
import { podName, type PodFilter } from './pod-verdict.js';

/** DaemonSet pods stay: their controller ignores cordons and would recreate them on the node. */
export const daemonSetFilter: PodFilter = (pod) =>
  isDaemonSetPod(pod)
    ? {
        disposition: 'leave',
        severity: 'info',
        code: 'DAEMONSET_POD',
        message: `${podName(pod)} is left on the node: it belongs to DaemonSet "${pod.metadata.ownerReferences?.find((r) => r.controller)?.name ?? ''}", which runs one pod per node`,
      }
    : undefined;

import { isMirrorPod } from '../../kube/pod.js';
import { podName, type PodFilter } from './pod-verdict.js';

/** Mirror pods stay: they reflect static pods the kubelet runs from files; deleting them does nothing. */
export const mirrorFilter: PodFilter = (pod) =>
  isMirrorPod(pod)
    ? {
        disposition: 'leave',
        severity: 'info',
        code: 'MIRROR_POD',
        message: `${podName(pod)} is left on the node: it is a static pod's mirror, managed by the kubelet`,
      }
    : undefined;

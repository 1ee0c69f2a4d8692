import { isTerminal, isTerminating } from '../../kube/pod.js';
import { podName, type PodFilter } from './pod-verdict.js';

/**
 * Succeeded/Failed pods hold nothing and never run again; pods already being deleted are
 * leaving by themselves. Neither needs moving.
 */
export const completedFilter: PodFilter = (pod) => {
  if (isTerminal(pod)) {
    return {
      disposition: 'leave',
      severity: 'info',
      code: 'COMPLETED_POD',
      message: `${podName(pod)} is left on the node: it has completed (phase ${pod.status?.phase ?? ''}) and holds no resources`,
    };
  }
  if (isTerminating(pod)) {
    return {
      disposition: 'leave',
      severity: 'info',
      code: 'TERMINATING_POD',
      message: `${podName(pod)} is left alone: it is already being deleted`,
    };
  }
  return undefined;
};

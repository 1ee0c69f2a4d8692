/** NodePorts: a hostPort (protocol, IP) may be used by one pod per node; 0.0.0.0 conflicts with every IP. */
import type { V1Container } from '@kubernetes/client-node';
import type { Pod } from '../../model/k8s.js';
import type { NodeInfo } from '../placement-state.js';
import { NO_FAILURES, type PredicateFailure } from '../types.js';

export interface HostPort {
  protocol: string;
  ip: string;
  port: number;
}

/**
 * The host ports a pod claims for as long as it runs: those of its containers and of its sidecars
 * (init containers with restartPolicy Always; other init containers finish before the pod runs),
 * as upstream's GetHostPorts. With hostNetwork a port without hostPort claims its containerPort
 * on the host (the API server defaults hostPort so).
 */
export function podHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const hostNetwork = pod.spec.hostNetwork === true;
  const add = (c: V1Container): void => {
    for (const p of c.ports ?? []) {
      const port = p.hostPort && p.hostPort > 0 ? p.hostPort : hostNetwork ? p.containerPort : 0;
      if (port > 0) out.push({ protocol: p.protocol || 'TCP', ip: p.hostIP || '0.0.0.0', port });
    }
  };
  for (const c of pod.spec.initContainers ?? []) if (c.restartPolicy === 'Always') add(c);
  for (const c of pod.spec.containers ?? []) add(c);
  return out;
}

function conflicts(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.protocol === b.protocol && (a.ip === b.ip || a.ip === '0.0.0.0' || b.ip === '0.0.0.0');
}

export function nodePorts(wanted: readonly HostPort[], node: NodeInfo, self: string): PredicateFailure[] {
  if (wanted.length === 0) return NO_FAILURES;
  for (const [key, other] of node.pods) {
    if (key === self) continue;
    for (const used of podHostPorts(other)) {
      if (wanted.some((w) => conflicts(w, used))) {
        return [{ predicate: 'NodePorts', message: "node(s) didn't have free ports for the requested pod ports" }];
      }
    }
  }
  return NO_FAILURES;
}

/**
 * The cluster the demo simulates: examples/cluster.yaml minus the workloads no plan can move
 * (pinned to a drained node), which the demo names in its output instead of hiding.
 */
import type { KubeObject } from '../model/k8s.js';
import type { Diagnostic } from '../errors.js';
import { readObjects } from '../snapshot/read-objects.js';

/** Workloads left out of the demo cluster, and why (shown to the user). */
export const DEMO_LEFT_OUT: readonly { namespace: string; deployment: string; why: string }[] = [
  {
    namespace: 'shop',
    deployment: 'license-server',
    why: 'pinned to worker-1 by a nodeSelector: it fits on no other node, so `sdrain plan -f examples/maint.yaml` reports UNPLACEABLE and refuses',
  },
];

export interface DemoCluster {
  objects: KubeObject[];
  /** "Deployment shop/license-server" etc. */
  leftOut: string[];
  errors: Diagnostic[];
}

function belongsTo(obj: KubeObject, ns: string, deployment: string): boolean {
  if (obj.metadata.namespace !== ns) return false;
  if (obj.kind === 'Deployment') return obj.metadata.name === deployment;
  if (obj.kind === 'ReplicaSet') return (obj.metadata.ownerReferences ?? []).some((o) => o.kind === 'Deployment' && o.name === deployment);
  if (obj.kind === 'Pod') return obj.metadata.name.startsWith(`${deployment}-`) && (obj.metadata.ownerReferences ?? []).some((o) => o.kind === 'ReplicaSet');
  return false;
}

/** Reads the dump and drops DEMO_LEFT_OUT (Deployment, its ReplicaSets and their pods). */
export function demoCluster(text: string, file: string): DemoCluster {
  const { objects, errors } = readObjects(text, file);
  const leftOut: string[] = [];
  const kept = objects.filter((o) => {
    const hit = DEMO_LEFT_OUT.find((l) => belongsTo(o, l.namespace, l.deployment));
    if (hit && o.kind === 'Deployment') leftOut.push(`Deployment ${hit.namespace}/${hit.deployment}`);
    return !hit;
  });
  return { objects: kept, leftOut, errors };
}

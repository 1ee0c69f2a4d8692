/**
 * A deterministic generated cluster for the plan-scale benchmark: `nodes` nodes in three zones,
 * each running `podsPerNode` pods — two DaemonSet pods (kube-proxy, node-exporter) and the rest
 * from Deployments and StatefulSets of mixed sizes, spread round-robin over the nodes. The
 * workloads carry what the planner has to evaluate in a real cluster: resource requests,
 * required and preferred pod anti-affinity, zone and hostname topology spread constraints,
 * PodDisruptionBudgets, tolerations for a tainted node pool. No randomness: the same
 * arguments give the same bytes.
 */
import type { KubeObject } from '../src/model/k8s.js';
import { daemonSetObjects, deploymentObjects, namespaceObject, nodeObject, pdbObject, statefulSetObjects, type TemplateSpec } from './lib/cluster-objects.js';

export interface GenerateOptions {
  nodes: number;
  /**
   * Lean pods: without the fields the planner never reads (volumes, probes, ports, container
   * statuses, most conditions) — about half the bytes. Full-size pods of a 5,000-node cluster
   * make a file larger than V8's longest string (~512 MiB), which cannot be read whole.
   */
  lean?: boolean;
  /** Pods per node, DaemonSet pods included (≥ 3). Default 30. */
  podsPerNode?: number;
}

export const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] as const;
/** Replica counts cycled through by the workloads (mean ≈ 6). */
const SIZES = [2, 3, 5, 1, 8, 3, 12, 2, 4, 20, 3, 6] as const;
const CPU = ['100m', '250m', '50m', '500m', '200m'] as const;
const MEMORY = ['128Mi', '256Mi', '512Mi', '1Gi', '192Mi'] as const;
/** Every 20th node is tainted for a batch pool; workloads w % 9 === 0 tolerate it. */
const BATCH_TAINT = { key: 'dedicated', value: 'batch', effect: 'NoSchedule' };

export function nodeName(i: number): string {
  return `node-${String(i).padStart(5, '0')}`;
}

/** The cluster's objects; nodes are `node-00000`… and namespaces `team-00`…. */
export function generateCluster(opts: GenerateOptions): KubeObject[] {
  const nodes = opts.nodes;
  const perNode = opts.podsPerNode ?? 30;
  const objects: KubeObject[] = [];
  const namespaces = Math.max(1, Math.min(200, Math.ceil(nodes / 25)));
  for (const ns of ['default', 'kube-system', ...Array.from({ length: namespaces }, (_, i) => `team-${String(i).padStart(3, '0')}`)]) objects.push(namespaceObject(ns));
  const nodeRefs = Array.from({ length: nodes }, (_, i) => ({ node: nodeName(i), nodeIndex: i }));
  for (let i = 0; i < nodes; i++) {
    objects.push(nodeObject({ name: nodeName(i), index: i, zone: ZONES[i % 3]!, cpu: '16', memory: '64Gi', pods: 110, ...(i % 20 === 19 ? { taints: [BATCH_TAINT] } : {}) }));
  }
  objects.push(...daemonSetObjects({ namespace: 'kube-system', name: 'kube-proxy', app: 'kube-proxy', cpu: '100m', memory: '64Mi', nodes: nodeRefs }));
  objects.push(...daemonSetObjects({ namespace: 'kube-system', name: 'node-exporter', app: 'node-exporter', cpu: '50m', memory: '64Mi', nodes: nodeRefs }));

  // Workload pods fill nodes round-robin, so a workload's replicas land on distinct nodes
  // (as the scheduler's spreading would put them) and required anti-affinity holds.
  const total = nodes * (perNode - 2);
  let placed = 0;
  for (let w = 0; placed < total; w++) {
    const replicas = Math.min(SIZES[w % SIZES.length]!, total - placed, nodes);
    const placement: { node: string; nodeIndex: number }[] = [];
    for (let r = 0; r < replicas; r++) {
      let idx = (placed + r) % nodes;
      // Workloads without the toleration never sit on the tainted pool.
      if (w % 9 !== 0 && idx % 20 === 19) idx = (idx + 1) % nodes;
      placement.push(nodeRefs[idx]!);
    }
    placed += replicas;
    const namespace = `team-${String(w % namespaces).padStart(3, '0')}`;
    const name = `${w % 10 === 7 ? 'db' : 'svc'}-${String(w).padStart(6, '0')}`;
    const t: TemplateSpec = { app: name, cpu: CPU[w % CPU.length]!, memory: MEMORY[w % MEMORY.length]! };
    if (w % 9 === 0) t.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }];
    if (w % 4 === 1) {
      t.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: name } } } }] } };
    } else if (w % 4 === 3 && replicas <= 5) {
      t.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: name } } }] } };
    }
    if (w % 5 === 2) t.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: name } } }];
    else if (w % 5 === 4) t.topologySpreadConstraints = [{ maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: name } } }];
    if (w % 10 === 7) objects.push(...statefulSetObjects({ ...t, namespace, name, placement }));
    else objects.push(...deploymentObjects({ ...t, namespace, name, placement, strategy: w % 3 === 0 ? { maxSurge: 1, maxUnavailable: 0 } : undefined }));
    if (replicas > 1 && w % 3 !== 2) {
      objects.push(pdbObject(w % 2 === 0 ? { namespace, name, app: name, replicas, maxUnavailable: 1 } : { namespace, name, app: name, replicas, minAvailable: '50%' }));
    }
  }
  return opts.lean ? objects.map(leanObject) : objects;
}

/** A pod without what placement and planning never read (see GenerateOptions.lean). */
export function leanObject(o: KubeObject): KubeObject {
  if (o.kind !== 'Pod') return o;
  const p = o as KubeObject & { spec: Record<string, unknown> & { containers: Record<string, unknown>[] }; status: Record<string, unknown> & { conditions?: { type: string }[] } };
  const { volumes: _v, ...spec } = p.spec;
  spec.containers = p.spec.containers.map(({ readinessProbe: _r, ports: _p, terminationMessagePath: _t, terminationMessagePolicy: _m, ...c }) => c);
  const { containerStatuses: _c, hostIPs: _h, podIPs: _i, ...status } = p.status;
  status.conditions = (p.status.conditions ?? []).filter((c) => c.type === 'Ready');
  return { ...p, spec, status } as unknown as KubeObject;
}

/** A maintenance spec draining `count` nodes (every node-index multiple of nodes/count, never a tainted one). */
export function scaleMaintenanceYaml(nodes: number, count: number, concurrency = 2): string {
  const step = Math.max(1, Math.floor(nodes / count));
  const names: string[] = [];
  for (let i = 0; names.length < Math.min(count, nodes) && i < nodes; i += step) names.push(nodeName(i % 20 === 19 ? i - 1 : i));
  return [
    'apiVersion: sdrain.io/v1alpha1',
    'kind: Maintenance',
    'metadata:',
    `  name: scale-${nodes}`,
    'spec:',
    '  nodes:',
    '    names:',
    ...names.map((n) => `      - ${n}`),
    '  order: zone',
    `  concurrency: ${concurrency}`,
    '  affinity: evict',
    '',
  ].join('\n');
}

/**
 * The clusters the availability and apply-time benchmarks drain. Start-up times are set per
 * workload (sim.sdrain.io/startup-ms); `scale` multiplies them (the smoke test uses a small
 * scale, the benchmark 1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../src/model/k8s.js';
import { readObjects } from '../src/snapshot/read-objects.js';
import { REPO_ROOT } from './lib/bench-paths.js';
import { deploymentObjects, namespaceObject, nodeObject, pdbObject, statefulSetObjects } from './lib/cluster-objects.js';
import type { TrackedWorkload } from './lib/ready-observer.js';

export interface DrainScenario {
  name: string;
  objects: KubeObject[];
  /** Default start-up for pods without the annotation (the simulator's --pod-startup-ms). */
  podStartupMs: number;
  /** How long a deleted pod takes to go (sim.sdrain.io/termination-ms); the simulator's default is 1 s. */
  terminationMs?: number;
  maintYaml: string;
  /** Nodes in drain order, grouped as the plan's waves will be (kubectl drains them one by one). */
  nodes: string[];
  workloads: (TrackedWorkload & { label: string; startupMs: number })[];
}

const ZONES = ['zone-a', 'zone-b', 'zone-c'];
const ref = (i: number) => ({ node: `worker-${i}`, nodeIndex: i });

function maint(name: string, nodes: string[], extra: string[] = []): string {
  return ['apiVersion: sdrain.io/v1alpha1', 'kind: Maintenance', 'metadata:', `  name: ${name}`, 'spec:', '  nodes:', '    names:', ...nodes.map((n) => `      - ${n}`), ...extra, ''].join('\n');
}

/** test/fixtures/seed-article.yaml: nginx, 3 replicas (2 on worker-1), maxSurge 1, maxUnavailable 0. */
export function seedScenario(scale = 1): DrainScenario {
  const file = join(REPO_ROOT, 'test/fixtures/seed-article.yaml');
  const startupMs = Math.round(5000 * scale);
  return {
    name: 'seed-article',
    objects: readObjects(readFileSync(file, 'utf8'), file).objects,
    podStartupMs: startupMs,
    maintYaml: readFileSync(join(REPO_ROOT, 'test/fixtures/seed-article-maint.yaml'), 'utf8'),
    nodes: ['worker-1'],
    workloads: [{ namespace: 'default', app: 'nginx', label: 'seed article: nginx (3, maxSurge 1, maxUnavailable 0)', startupMs }],
  };
}

/**
 * Four workers; worker-1 holds: default-strategy Deployments of 1–5 replicas (about half of
 * each on worker-1), a Deployment with all 3 replicas there, one pod of a 3-replica
 * StatefulSet under a PDB (maxUnavailable 1).
 */
export function mixedScenario(scale = 1): DrainScenario {
  const ms = (n: number) => Math.round(n * scale);
  const { objects, workloads } = fourWorkersWithWebDeployments(ms(4000));
  objects.push(...statefulSetObjects({ namespace: 'shop', name: 'db', app: 'db', cpu: '500m', memory: '1Gi', startupMs: ms(6000), placement: [ref(1), ref(2), ref(3)] }));
  objects.push(pdbObject({ namespace: 'shop', name: 'db', app: 'db', replicas: 3, maxUnavailable: 1 }));
  workloads.push({ namespace: 'shop', app: 'db', label: 'StatefulSet db (3, PDB maxUnavailable 1)', startupMs: ms(6000) });
  return {
    name: 'mixed',
    objects,
    podStartupMs: ms(4000),
    maintYaml: maint('mixed', ['worker-1'], ['  timeouts:', '    workload: 2m', '    node: 5m']),
    nodes: ['worker-1'],
    workloads,
  };
}

/** Six workers, four drained two at a time (two waves); Deployments of 4 spread over all nodes. */
export function wavesScenario(scale = 1): DrainScenario {
  const ms = (n: number) => Math.round(n * scale);
  const objects: KubeObject[] = [namespaceObject('default'), namespaceObject('kube-system'), namespaceObject('shop')];
  for (let i = 1; i <= 6; i++) objects.push(nodeObject({ name: `worker-${i}`, index: i, zone: ZONES[(i - 1) % 3]!, cpu: '8', memory: '32Gi' }));
  const workloads: DrainScenario['workloads'] = [];
  for (let d = 0; d < 6; d++) {
    const app = `api-${d}`;
    const placement = Array.from({ length: 4 }, (_, i) => ref(1 + ((d + i) % 6)));
    objects.push(...deploymentObjects({ namespace: 'shop', name: app, app, cpu: '250m', memory: '256Mi', startupMs: ms(5000), placement, strategy: { maxSurge: 1, maxUnavailable: 0 } }));
    workloads.push({ namespace: 'shop', app, label: `Deployment ${app} (4)`, startupMs: ms(5000) });
  }
  const nodes = ['worker-1', 'worker-2', 'worker-3', 'worker-4'];
  return {
    name: 'waves',
    objects,
    podStartupMs: ms(5000),
    maintYaml: maint('waves', nodes, ['  order: listed', '  concurrency: 2', '  timeouts:', '    workload: 30s', '    node: 5m']),
    nodes,
    workloads,
  };
}

/**
 * A Deployment pinned to worker-1 by nodeSelector beside an ordinary one, planned with
 * affinity: evict (the plan promises 0 ready for the pinned one: it stays Pending). With
 * affinity: skip the planner leaves worker-1 out entirely, so there would be nothing to compare.
 */
export function pinnedScenario(scale = 1): DrainScenario {
  const ms = (n: number) => Math.round(n * scale);
  const objects: KubeObject[] = [namespaceObject('default'), namespaceObject('kube-system'), namespaceObject('shop')];
  for (let i = 1; i <= 3; i++) objects.push(nodeObject({ name: `worker-${i}`, index: i, zone: ZONES[(i - 1) % 3]!, cpu: '8', memory: '32Gi' }));
  objects.push(...deploymentObjects({ namespace: 'shop', name: 'license', app: 'license', cpu: '100m', memory: '128Mi', startupMs: ms(3000), nodeSelector: { 'kubernetes.io/hostname': 'worker-1' }, placement: [ref(1)] }));
  objects.push(...deploymentObjects({ namespace: 'shop', name: 'web', app: 'web', cpu: '200m', memory: '256Mi', startupMs: ms(4000), placement: [ref(1), ref(2)] }));
  return {
    name: 'pinned',
    objects,
    podStartupMs: ms(4000),
    maintYaml: maint('pinned', ['worker-1'], ['  affinity: evict', '  timeouts:', '    workload: 20s', '    node: 1m']),
    nodes: ['worker-1'],
    workloads: [
      { namespace: 'shop', app: 'license', label: 'Deployment license (1, pinned to worker-1 by nodeSelector; affinity: evict)', startupMs: ms(3000) },
      { namespace: 'shop', app: 'web', label: 'Deployment web (2, default strategy, 1 on worker-1)', startupMs: ms(4000) },
    ],
  };
}

/**
 * Sets how long the pods of every Deployment take to terminate (sim.sdrain.io/termination-ms on
 * the pods and on the Deployment's and ReplicaSet's templates alike, so no new rollout starts).
 */
function withTermination(objects: KubeObject[], ms: number): KubeObject[] {
  const mark = (meta: { annotations?: Record<string, string> } | undefined) => {
    if (meta) meta.annotations = { ...(meta.annotations ?? {}), 'sim.sdrain.io/termination-ms': String(ms) };
  };
  for (const o of objects) {
    if (o.kind === 'Pod') mark(o.metadata);
    if (o.kind === 'Deployment' || o.kind === 'ReplicaSet') {
      const t = (o as unknown as { spec: { template: { metadata?: { annotations?: Record<string, string> } } } }).spec.template;
      t.metadata ??= {};
      mark(t.metadata);
    }
  }
  return objects;
}

/**
 * Realistic timing: pods take 15 s to become ready and use the default 30 s termination grace
 * period in full (an app that does not exit early on SIGTERM). Four workers; worker-1 holds 12
 * pods of six Deployments (default strategy). Here polling every pod once a second — what
 * kubectl drain does while it waits for evicted pods to be deleted — costs about 30 GETs per
 * pod, while watching costs the same whatever the timing.
 */
export function realisticScenario(scale = 1): DrainScenario {
  const ms = (n: number) => Math.round(n * scale);
  const { objects, workloads } = fourWorkersWithWebDeployments(ms(15000));
  return {
    name: 'realistic',
    objects: withTermination(objects, ms(30000)),
    podStartupMs: ms(15000),
    terminationMs: ms(30000),
    maintYaml: maint('realistic', ['worker-1'], ['  timeouts:', '    workload: 5m', '    node: 10m']),
    nodes: ['worker-1'],
    workloads,
  };
}

/**
 * Four workers (8 CPU, 32 GiB) in three zones, and in namespace shop: default-strategy
 * Deployments web-1 … web-5 (about half of each on worker-1) and cache (all 3 on worker-1).
 */
function fourWorkersWithWebDeployments(startupMs: number): Pick<DrainScenario, 'objects' | 'workloads'> {
  const objects: KubeObject[] = [namespaceObject('default'), namespaceObject('kube-system'), namespaceObject('shop')];
  for (let i = 1; i <= 4; i++) objects.push(nodeObject({ name: `worker-${i}`, index: i, zone: ZONES[(i - 1) % 3]!, cpu: '8', memory: '32Gi' }));
  const workloads: DrainScenario['workloads'] = [];
  for (let r = 1; r <= 5; r++) {
    const onW1 = Math.ceil(r / 2);
    const placement = Array.from({ length: r }, (_, i) => (i < onW1 ? ref(1) : ref(2 + ((i - onW1) % 3))));
    const app = `web-${r}`;
    objects.push(...deploymentObjects({ namespace: 'shop', name: app, app, cpu: '200m', memory: '256Mi', startupMs, placement }));
    workloads.push({ namespace: 'shop', app, label: `Deployment ${app} (${r} replica${r > 1 ? 's' : ''}, default strategy, ${onW1} on worker-1)`, startupMs });
  }
  objects.push(...deploymentObjects({ namespace: 'shop', name: 'cache', app: 'cache', cpu: '200m', memory: '256Mi', startupMs, placement: [ref(1), ref(1), ref(1)] }));
  workloads.push({ namespace: 'shop', app: 'cache', label: 'Deployment cache (3, all on worker-1)', startupMs });
  return { objects, workloads };
}

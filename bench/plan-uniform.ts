/**
 * The former unit test src/plan/plan-scale.test.ts, moved here (a timing goal belongs in a
 * benchmark): 5,000 uniform nodes, 1,500 Deployments × 100 replicas (150,000 pods) built in
 * memory, 20 nodes drained two at a time by zone. Checks the plan's shape (11 waves, 600 pods
 * moved, applicable) and prints the plan time.
 *
 *   node .cache/bench-build/bench/plan-uniform.js [--nodes 5000] [--deployments 1500] [--replicas 100]
 */
import type { Deployment, Pod, ReplicaSet } from '../src/model/k8s.js';
import { emptySnapshot, type Snapshot } from '../src/model/snapshot.js';
import { makeNode } from '../src/placement/testing/builders.js';
import { plan } from '../src/plan/plan.js';
import { makeSpec } from '../src/plan/testing/snapshot-builder.js';
import { option } from './lib/args.js';

export function uniformCluster(nodes: number, deployments: number, replicas: number): Snapshot {
  const s = emptySnapshot();
  for (let i = 0; i < nodes; i++) s.nodes.push(makeNode(`node-${String(i).padStart(5, '0')}`, { cpu: '32', memory: '128Gi', pods: '110', zone: `zone-${i % 3}` }));
  let k = 0;
  for (let d = 0; d < deployments; d++) {
    const name = `app-${d}`;
    const ns = `ns-${d % 50}`;
    const labels = { app: name };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] } };
    const dep: Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns, uid: `d-${d}` }, spec: { replicas, selector: { matchLabels: labels }, template }, status: { availableReplicas: replicas } };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${name}-rs`, namespace: ns, uid: `rs-${d}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: `d-${d}`, controller: true }] },
      spec: { replicas, selector: { matchLabels: labels }, template },
    };
    s.deployments.push(dep);
    s.replicaSets.push(rs);
    for (let r = 0; r < replicas; r++) {
      const pod: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${name}-rs-${r}`, namespace: ns, uid: `p-${d}-${r}`, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-rs`, uid: `rs-${d}`, controller: true }] },
        spec: { ...template.spec, nodeName: s.nodes[k++ % nodes]!.metadata.name },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      };
      s.pods.push(pod);
    }
  }
  return s;
}

export interface UniformResult {
  nodes: number;
  pods: number;
  planMs: number;
  waves: number;
  movedPods: number;
  applicable: boolean;
}

/** Plans the uniform cluster; drains the first min(20, nodes) nodes, two at a time, by zone. */
export function runUniform(nodes: number, deployments: number, replicas: number): UniformResult {
  const snap = uniformCluster(nodes, deployments, replicas);
  const names = snap.nodes.slice(0, Math.min(20, nodes)).map((n) => n.metadata.name);
  const t0 = performance.now();
  const p = plan(makeSpec(names, { concurrency: 2, order: 'zone', workloads: { overrides: [{ kind: 'Deployment', namespace: 'ns-1', method: 'roll' }] } }), snap, { toolVersion: 'bench' });
  const planMs = performance.now() - t0;
  return { nodes, pods: snap.pods.length, planMs, waves: p.waves.length, movedPods: p.waves.reduce((n, w) => n + w.actions.reduce((m, a) => m + a.pods.length, 0), 0), applicable: p.applicable };
}

function main(): void {
  const argv = process.argv.slice(2);
  const r = runUniform(Number(option(argv, '--nodes') ?? 5000), Number(option(argv, '--deployments') ?? 1500), Number(option(argv, '--replicas') ?? 100));
  process.stdout.write(`uniform cluster: ${r.nodes} nodes, ${r.pods} pods: planned ${r.waves} waves moving ${r.movedPods} pods in ${r.planMs.toFixed(0)} ms (applicable: ${r.applicable})\n`);
  // The shape the old unit test checked, for the default size: 7+7+6 nodes per zone, two at a time.
  if (r.nodes === 5000 && r.pods === 150_000 && (r.waves !== 11 || r.movedPods !== 600 || !r.applicable)) {
    process.stderr.write('unexpected plan shape: expected 11 waves, 600 moved pods, applicable\n');
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();

/**
 * One scheduler: for seeded clusters (small ones, and ones of 100+ nodes where node sampling and
 * its rotation decide), the node the planner predicts for each replacement of a drained node's
 * pods is the node the simulator's scheduler binds that replacement to. The planner plans the
 * wave (spec.workloads.deployment: evict) on a snapshot of the objects the simulator is loaded
 * with; the simulator then sees the same evictions in the planner's order — the node cordoned,
 * each old pod gone, its ReplicaSet's replacement scheduled — one at a time. The last cases plan
 * a wave that is tried and rolled back first (affinity: skip), which must restore the
 * scheduler's node-sampling rotation with everything else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../store/seeded-random.js';
import type { V1PodSpec } from '@kubernetes/client-node';
import type { KubeObject, Node, Pod } from '../../model/k8s.js';
import { buildSnapshot } from '../../snapshot/build-snapshot.js';
import { podKeyOf } from '../../kube/pod.js';
import { buildClusterIndex } from '../../plan/cluster-index.js';
import { newPlanContext, planWave } from '../../plan/plan-wave.js';
import { makeSpec } from '../../plan/testing/snapshot-builder.js';
import { deployment, node, startHarness, type SimHarness } from './testing/harness.js';
import { running } from './testing/loaded-deployment.js';

let sim: SimHarness | undefined;
afterEach(() => {
  sim?.stop();
  sim = undefined;
});

/** The simulator's seeded generator, for the test clusters. */
const random = mulberry32;

interface Cluster {
  objects: KubeObject[];
  drained: string;
}

/** A cluster of `nodes` nodes in three zones (some tainted for a dedicated pool) and Deployments with assorted constraints. */
function generate(seed: number, nodes: number): Cluster {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const names = Array.from({ length: nodes }, (_, i) => `node-${String(i).padStart(3, '0')}`);
  const objects: KubeObject[] = [];
  const dedicated = new Set(names.filter(() => rnd() < 0.15));
  for (const [i, name] of names.entries()) {
    const n: Node = node(name, { cpu: pick(['2', '4', '8']), memory: pick(['4Gi', '8Gi', '16Gi']), labels: { 'topology.kubernetes.io/zone': `z${i % 3}`, ...(rnd() < 0.3 ? { disk: 'ssd' } : {}) } });
    if (dedicated.has(name)) n.spec = { ...n.spec, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] };
    objects.push(n);
  }
  const drained = names[0]!;
  const workloads = 4 + Math.floor(rnd() * 5);
  for (let w = 0; w < workloads; w++) {
    const replicas = 2 + Math.floor(rnd() * 5);
    const app = `app-${w}`;
    const d = deployment(app, replicas, { cpu: pick(['100m', '250m', '500m', '1']) });
    const spec: Partial<V1PodSpec> = {};
    const feature = pick(['plain', 'tolerant', 'ssd', 'preferred', 'anti', 'spread', 'port']);
    if (feature === 'tolerant') spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }];
    if (feature === 'ssd') spec.nodeSelector = { disk: 'ssd' };
    if (feature === 'preferred') {
      spec.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z1'] }] } }] } };
    }
    if (feature === 'anti') {
      spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app } } }] } };
    }
    if (feature === 'spread') {
      spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app } } }];
    }
    if (feature === 'port') spec.containers = [{ ...d.spec.template.spec!.containers[0]!, ports: [{ containerPort: 8080, hostPort: 18080 + w }] }];
    d.spec.template.spec = { ...d.spec.template.spec!, ...spec };
    // Pods on the drained node first (so there is something to move), the rest anywhere they fit.
    const eligible = names.filter((n) => (feature === 'tolerant' || !dedicated.has(n)) && (feature !== 'ssd' || objects.some((o) => o.metadata.name === n && o.metadata.labels?.disk === 'ssd')));
    const placement = Array.from({ length: replicas }, (_, i) => (i === 0 && !dedicated.has(drained) ? drained : pick(eligible.length > 0 ? eligible : names)));
    if (feature === 'anti' || feature === 'port') {
      // One per node, as those constraints demand of running pods.
      const unique = [...new Set(placement)];
      d.spec.replicas = unique.length;
      objects.push(...running(d, unique));
    } else {
      objects.push(...running(d, placement));
    }
  }
  return { objects, drained };
}

/**
 * The planner's predicted node for each pod of the drained node (undefined: fits nowhere), in the
 * order it placed them. With `skipped`, the wave holds those nodes too under affinity: skip, and
 * their pods fit nowhere: the planner tries the wave, rolls it back and plans the drained node alone.
 */
function plannerPredictions(objects: KubeObject[], drained: string, skipped: string[] = []): { pod: string; node: string | undefined }[] {
  const { snapshot, errors } = buildSnapshot(structuredClone(objects), {});
  expect(errors).toEqual([]);
  const index = buildClusterIndex(snapshot);
  const wave = [drained, ...skipped];
  const spec = makeSpec(wave, { concurrency: wave.length, ...(skipped.length > 0 ? { affinity: 'skip' as const } : {}), workloads: { deployment: 'evict' } });
  const ctx = newPlanContext(spec, snapshot, index);
  const outcome = planWave(ctx, wave, 1);
  expect(outcome.wave?.nodes).toEqual([drained]);
  expect(outcome.findings.filter((f) => f.code === 'NODE_SKIPPED').map((f) => f.node)).toEqual(skipped);
  // The order simulateMoves evicts in: workloads by key, their pods by podKey.
  const moved = (index.podsByNode.get(drained) ?? []).filter((p) => p.metadata.ownerReferences?.length);
  moved.sort((a, b) => {
    const wa = a.metadata.labels!.app!;
    const wb = b.metadata.labels!.app!;
    return wa < wb ? -1 : wa > wb ? 1 : podKeyOf(a) < podKeyOf(b) ? -1 : 1;
  });
  return moved.map((p) => ({ pod: p.metadata.name, node: ctx.whatIf.nodeOf(`default/${p.metadata.name}~w1`) }));
}

/** What the simulator binds each replacement to, evicting the planner's pods in its order. */
async function simulatorBindings(objects: KubeObject[], drained: string, order: string[]): Promise<{ pod: string; node: string | undefined }[]> {
  sim = await startHarness(structuredClone(objects), { only: ['replicaset', 'scheduler'] });
  sim.store.mutate<Node>('Node', undefined, drained, (n) => {
    n.spec = { ...(n.spec ?? {}), unschedulable: true };
  });
  await sim.settle();
  const out: { pod: string; node: string | undefined }[] = [];
  for (const name of order) {
    const before = new Set(sim.pods().map((p) => p.metadata.name));
    sim.store.remove<Pod>('Pod', 'default', name);
    await sim.settle();
    const fresh = sim.pods().filter((p) => !before.has(p.metadata.name));
    expect(fresh).toHaveLength(1);
    out.push({ pod: name, node: fresh[0]!.spec.nodeName });
  }
  return out;
}

describe('the planner predicts the simulator’s bindings', () => {
  it.each([
    [1, 6],
    [2, 12],
    [3, 40],
    [4, 120],
    [5, 150],
    [6, 260],
  ])('seed %i, %i nodes', async (seed, nodes) => {
    const { objects, drained } = generate(seed, nodes);
    const predicted = plannerPredictions(objects, drained);
    expect(predicted.length).toBeGreaterThan(0);
    const bound = await simulatorBindings(objects, drained, predicted.map((p) => p.pod));
    expect(bound).toEqual(predicted);
  }, 60_000);
});

describe('after a planner rollback (affinity: skip)', () => {
  it.each([
    [8, 260],
    [9, 150],
  ])('seed %i, %i nodes: the rotation is restored, so predictions still match', async (seed, nodes) => {
    const { objects, drained } = generate(seed, nodes);
    // A Deployment pinned to another node of the wave by its hostname: its replacement fits
    // nowhere once that node is cordoned, so the wave is tried, rolled back and planned again.
    const pinnedTo = 'node-001';
    const pinned = deployment('zz-pinned', 1, { cpu: '100m' });
    pinned.spec.template.spec = { ...pinned.spec.template.spec!, nodeSelector: { 'kubernetes.io/hostname': pinnedTo } };
    const cluster = [...objects.filter((o) => !(o.kind === 'Node' && o.metadata.name === pinnedTo)), untainted(objects, pinnedTo), ...running(pinned, [pinnedTo])];
    const predicted = plannerPredictions(cluster, drained, [pinnedTo]);
    expect(predicted.length).toBeGreaterThan(0);
    const bound = await simulatorBindings(cluster, drained, predicted.map((p) => p.pod));
    expect(bound).toEqual(predicted);
  }, 60_000);
});

/** The node `name` of `objects` without taints (so the pinned pod may run there). */
function untainted(objects: KubeObject[], name: string): Node {
  const n = structuredClone(objects.find((o) => o.kind === 'Node' && o.metadata.name === name)) as Node;
  n.spec = { ...(n.spec ?? {}), taints: [] };
  return n;
}

/**
 * The controllers as real clients see them: kubectl 1.35 against the simulator over HTTPS.
 * `rollout status` completes only when the Deployment/StatefulSet status fields are exactly what
 * kubectl checks; `drain` goes through evictions, the disruption controller and the kubelet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment, KubeObject, Pod, ReplicaSet } from '../../src/model/k8s.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function node(name: string): KubeObject {
  const alloc = { cpu: '4', memory: '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: { capacity: alloc, allocatable: alloc, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function deploymentObj(name: string, replicas: number, maxSurge: number, maxUnavailable: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', resources: { requests: { cpu: '100m' } } }] } },
    },
  };
}

const readyPods = (s: TestSim, app: string) =>
  s.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;

describe('controllers through kubectl', () => {
  it('rollout status completes; rollout restart creates a second ReplicaSet and completes without dropping below 3 ready', async () => {
    sim = await startTestSim({ objects: [node('w1'), node('w2'), deploymentObj('web', 3, 1, 0)], podStartupMs: 300 });
    const first = await sim.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('deployment "web" successfully rolled out');
    expect(first.code).toBe(0);
    let minReady = readyPods(sim, 'web');
    const off = sim.store.on(() => {
      minReady = Math.min(minReady, readyPods(sim!, 'web'));
    });
    const restart = await sim.kubectl(['rollout', 'restart', 'deployment/web']);
    expect(restart.code).toBe(0);
    const second = await sim.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    off();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('successfully rolled out');
    expect(minReady).toBe(3);
    const rss = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' });
    expect(rss.map((r) => r.spec.replicas).sort()).toEqual([0, 3]);
    const got = await sim.kubectl(['get', 'deploy', 'web']);
    expect(got.stdout).toMatch(/web\s+3\/3\s+3\s+3/);
  });

  it('rollout undo returns to the previous ReplicaSet and raises its revision', async () => {
    sim = await startTestSim({ objects: [node('w1'), deploymentObj('web', 2, 1, 0)], podStartupMs: 200 });
    expect((await sim.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code).toBe(0);
    const first = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' })[0]!.metadata.name;
    expect((await sim.kubectl(['set', 'image', 'deployment/web', 'nginx=nginx:1.28'])).code).toBe(0);
    expect((await sim.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code).toBe(0);
    const undo = await sim.kubectl(['rollout', 'undo', 'deployment/web']);
    expect(undo.stderr).toBe('');
    expect(undo.code).toBe(0);
    expect((await sim.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code).toBe(0);
    const rss = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' });
    expect(rss).toHaveLength(2);
    const back = rss.find((r) => r.metadata.name === first)!;
    expect(back.spec.replicas).toBe(2);
    expect(back.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    const history = await sim.kubectl(['rollout', 'history', 'deployment/web']);
    expect(history.stdout).toMatch(/2\s+<none>\s*\n3\s+<none>/);
  });

  it('kubectl scale changes the ReplicaSet size without a new revision', async () => {
    sim = await startTestSim({ objects: [node('w1'), deploymentObj('web', 2, 1, 0)], podStartupMs: 200 });
    expect((await sim.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code).toBe(0);
    const scaled = await sim.kubectl(['scale', 'deployment/web', '--replicas=4']);
    expect(scaled.code).toBe(0);
    expect((await sim.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code).toBe(0);
    const rss = sim.store.list<ReplicaSet>('ReplicaSet', { namespace: 'default' });
    expect(rss).toHaveLength(1);
    expect(rss[0]!.spec.replicas).toBe(4);
  });

  it('drain evicts, replacements come up elsewhere; a PDB at its minimum makes drain time out and the pod stays, until the PDB is removed', async () => {
    const pdb: KubeObject = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db', namespace: 'default' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } },
    };
    const db = deploymentObj('db', 1, 1, 0);
    db.spec.template.spec.nodeSelector = { 'kubernetes.io/hostname': 'w1' };
    sim = await startTestSim({ objects: [node('w1'), node('w2'), deploymentObj('web', 2, 1, 0), db, pdb], podStartupMs: 300 });
    expect((await sim.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code).toBe(0);
    expect((await sim.kubectl(['rollout', 'status', 'deployment/db', '--timeout=30s'])).code).toBe(0);
    const drain = await sim.kubectl(['drain', 'w1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=7s'], { timeoutMs: 60_000 });
    expect(drain.code).toBe(1);
    expect(drain.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget");
    const pods = sim.store.list<Pod>('Pod', { namespace: 'default' });
    const dbPods = pods.filter((p) => p.metadata.labels?.app === 'db');
    expect(dbPods).toHaveLength(1);
    expect(dbPods[0]!.spec.nodeName).toBe('w1');
    expect(dbPods[0]!.metadata.deletionTimestamp).toBeUndefined();
    // Every web pod left w1 and its replacement is on w2.
    const web = pods.filter((p) => p.metadata.labels?.app === 'web' && !p.metadata.deletionTimestamp);
    expect(web.every((p) => p.spec.nodeName === 'w2')).toBe(true);

    // Once the budget is removed, the same drain goes through: the pinned pod is evicted and its
    // replacement waits Pending for w1 (the only node its selector allows).
    expect((await sim.kubectl(['delete', 'pdb', 'db'])).code).toBe(0);
    const again = await sim.kubectl(['drain', 'w1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=30s'], { timeoutMs: 60_000 });
    expect(again.stderr + again.stdout).toMatch(/evicted/);
    expect(again.code).toBe(0);
    const dbAfter = sim.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => p.metadata.labels?.app === 'db');
    expect(dbAfter.map((p) => p.metadata.name)).not.toContain(dbPods[0]!.metadata.name);
    expect(dbAfter.every((p) => p.spec.nodeName === undefined && p.status?.phase === 'Pending')).toBe(true);
  });

  it('rollout status statefulset completes after an update', async () => {
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 2,
        serviceName: 'db',
        // Loaded objects are not defaulted by the simulator (dumps carry API defaults): set it as a dump would.
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg', image: 'postgres:17' }] } },
      },
    };
    sim = await startTestSim({ objects: [node('w1'), sts], podStartupMs: 200 });
    const first = await sim.kubectl(['rollout', 'status', 'statefulset/db', '--timeout=30s']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect((await sim.kubectl(['rollout', 'restart', 'statefulset/db'])).code).toBe(0);
    const second = await sim.kubectl(['rollout', 'status', 'statefulset/db', '--timeout=30s']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('roll out complete: 2 new pods have been updated');
  });
});

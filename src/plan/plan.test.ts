import { describe, expect, it } from 'vitest';
import type { Plan } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import { plan } from './plan.js';
import { sortedJson } from './fingerprint.js';
import { makeSpec, SnapshotBuilder } from './testing/snapshot-builder.js';
import { makePv, makePvc } from '../placement/testing/builders.js';

type Over = Parameters<typeof makeSpec>[1];
const run = (snap: Snapshot, names: string[], over: Over = {}): Plan => plan(makeSpec(names, over), snap, { toolVersion: 'test' });
const codes = (p: Plan) => p.findings.map((f) => `${f.severity}:${f.code}`);

describe('plan: waves and capacity', () => {
  // Three 1-cpu nodes; each runs a 600m pod: after two are drained, the third cannot take both.
  const tight = () =>
    new SnapshotBuilder()
      .node('n1', { cpu: '1' })
      .node('n2', { cpu: '1' })
      .node('n3', { cpu: '1' })
      .deployment('a', { nodes: ['n1'], cpu: '600m' })
      .deployment('b', { nodes: ['n2'], cpu: '600m' })
      .build();

  it('warns when a workload is placed by another scheduler, once per workload', () => {
    const snap = new SnapshotBuilder()
      .node('n1').node('n2').node('n3')
      .deployment('batch', { nodes: ['n1', 'n1'], cpu: '100m', podSpec: { schedulerName: 'volcano' } })
      .deployment('web', { nodes: ['n1'], cpu: '100m', podSpec: { schedulerName: 'default-scheduler' } })
      .deployment('api', { nodes: ['n1'], cpu: '100m' })
      .build();
    const p = run(snap, ['n1']);
    const custom = p.findings.filter((f) => f.code === 'CUSTOM_SCHEDULER');
    expect(custom).toHaveLength(1);
    expect(custom[0]).toMatchObject({ severity: 'warning', wave: 1, object: { kind: 'Deployment', name: 'batch' } });
    expect(custom[0]!.message).toContain('"volcano"');
    expect(p.applicable).toBe(true);
  });

  it('keeps earlier waves cordoned: the second wave has only one node left', () => {
    const p = run(tight(), ['n1', 'n2'], { workloads: { deployment: 'evict' } });
    expect(p.waves.map((w) => w.nodes)).toEqual([['n1'], ['n2']]);
    expect(p.waves[0]!.free.cpuMilli).toBe(1400);
    expect(p.waves[1]!.free.cpuMilli).toBe(400);
    const f = p.findings.find((x) => x.code === 'UNPLACEABLE')!;
    expect(f).toMatchObject({ severity: 'error', wave: 2, node: 'n2', object: { kind: 'Deployment', name: 'b' } });
    expect(f.message).toContain('0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable.');
    expect(codes(p)).toContain('error:INSUFFICIENT_CAPACITY');
    expect(p.applicable).toBe(false);
  });

  it('uncordons after each node when afterEach.uncordon is set', () => {
    const p = run(tight(), ['n1', 'n2'], { workloads: { deployment: 'evict' }, afterEach: { command: ['true'], uncordon: true } });
    expect(codes(p).filter((c) => c.startsWith('error'))).toEqual([]);
    expect(p.waves[1]!.free.cpuMilli).toBe(1400); // n1 back (1000) + n3 with pod a (400)
  });

  it('concurrency drains several nodes per wave and sums their surge', () => {
    const p = run(tight(), ['n1', 'n2'], { concurrency: 2, workloads: { deployment: 'evict' } });
    expect(p.waves).toHaveLength(1);
    expect(p.waves[0]!.surge).toMatchObject({ cpuMilli: 1200, pods: 2 });
    expect(p.waves[0]!.actions.map((a) => a.workload.name)).toEqual(['a', 'b']);
  });

  it('roll counts every replica and maxSurge; pods on later nodes are restarted too', () => {
    const snap = new SnapshotBuilder()
      .node('n1').node('n2').node('n3')
      .deployment('web', { nodes: ['n1', 'n2', 'n3', 'n3'], cpu: '100m', strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } })
      .build();
    const p = run(snap, ['n1', 'n2'], { workloads: { deployment: 'roll' } });
    const a = p.waves[0]!.actions[0]!;
    expect(a).toMatchObject({ method: 'roll', surgePods: 1, expectedMinReady: 4, replicas: 4, pods: ['web-5d8f-a'] });
    expect(p.waves[0]!.surge.pods).toBe(2);
    // The restart in wave 1 replaced web-5d8f-b (on n2): wave 2 does not list it as a snapshot pod.
    for (const act of p.waves[1]?.actions ?? []) expect(act.pods).not.toContain('web-5d8f-b');
  });

  it('surge places new pods beside the old ones: peak = pods on the node', () => {
    const snap = new SnapshotBuilder().node('n1', { cpu: '1' }).node('n2', { cpu: '1' }).deployment('web', { nodes: ['n1', 'n1', 'n2'], cpu: '400m' }).build();
    const p = run(snap, ['n1']);
    expect(p.waves[0]!.actions[0]).toMatchObject({ method: 'surge', surgePods: 2, expectedMinReady: 3 });
    expect(codes(p)).toContain('error:UNPLACEABLE');
  });

  it('StatefulSet roll: one pod at a time, in reverse ordinal order, with DOWNTIME', () => {
    const snap = new SnapshotBuilder().node('n1').node('n2').statefulSet('db', { nodes: ['n1', 'n2', 'n1'] }).build();
    const p = run(snap, ['n1'], { workloads: { statefulSet: 'roll' } });
    expect(p.waves[0]!.actions[0]).toMatchObject({ method: 'roll', pods: ['db-0', 'db-2'], expectedMinReady: 2, surgePods: 0 });
    expect(codes(p)).toContain('warning:DOWNTIME');
  });

  it('affinity skip drops the node, keeps it schedulable and drains the others', () => {
    const snap = new SnapshotBuilder()
      .node('n1').node('n2').node('n3')
      .deployment('pinned', { nodes: ['n1'], podSpec: { nodeSelector: { 'kubernetes.io/hostname': 'n1' } } })
      .deployment('web', { nodes: ['n2'], podSpec: { nodeSelector: { 'kubernetes.io/hostname': 'n1' } } })
      .build();
    const p = run(snap, ['n1', 'n2'], { affinity: 'skip' });
    expect(p.waves.map((w) => [w.index, w.nodes])).toEqual([[1, ['n2']]]);
    expect(p.waves[0]!.actions[0]).toMatchObject({ method: 'surge', pods: ['web-5d8f-a'] });
    expect(p.findings.filter((f) => f.code === 'NODE_SKIPPED').map((f) => f.node)).toEqual(['n1']);
    expect(p.applicable).toBe(true);
  });

  it('lists DaemonSet, mirror and completed pods as untouched', () => {
    const snap = new SnapshotBuilder()
      .node('n1').node('n2')
      .daemonSet('agent', { nodes: ['n1', 'n2'] })
      .pod('etcd-n1', { node: 'n1', annotations: { 'kubernetes.io/config.mirror': 'abc' }, owner: { apiVersion: 'v1', kind: 'Node', name: 'n1' } })
      .pod('done', { node: 'n1', phase: 'Succeeded', owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'j' } })
      .build();
    const p = run(snap, ['n1']);
    expect(p.waves[0]!.untouched.map((u) => [u.pod, u.reason])).toEqual([['agent-0', 'daemonset'], ['done', 'completed'], ['etcd-n1', 'mirror']]);
    expect(p.waves[0]!.actions).toEqual([]);
    expect(p.applicable).toBe(true);
  });

  it('reports NOT_FULLY_AVAILABLE once per workload', () => {
    const snap = new SnapshotBuilder().node('n1').node('n2').node('n3').deployment('web', { nodes: ['n1', 'n2', 'n3'], availableReplicas: 2 }).build();
    const p = run(snap, ['n1', 'n2']);
    expect(p.findings.filter((f) => f.code === 'NOT_FULLY_AVAILABLE')).toHaveLength(1);
  });

  it('sorts findings by wave, severity, code', () => {
    const snap = new SnapshotBuilder().node('n1').node('n2').node('n3').pod('bare', { node: 'n2' }).daemonSet('agent', { nodes: ['n1', 'n2'] }).build();
    const p = run(snap, ['n1', 'n2', 'ghost']);
    expect(p.findings.map((f) => [f.wave ?? 0, f.severity, f.code])).toEqual([
      [0, 'error', 'NODE_NOT_FOUND'],
      [1, 'info', 'DAEMONSET_POD'],
      [2, 'error', 'UNMANAGED_POD'],
      [2, 'info', 'DAEMONSET_POD'],
    ]);
  });
});

describe('plan: spec echoes', () => {
  it('notes the maintenance window and keeps the spec and cluster identity', () => {
    const snap = new SnapshotBuilder().node('n1').node('n2').build();
    snap.cluster = { uid: 'cluster-uid' };
    const p = run(snap, ['n1'], { window: { notBefore: '2026-03-14T00:00:00Z', notAfter: '2026-03-14T04:00:00Z' } });
    expect(p.findings.find((f) => f.code === 'WINDOW')).toMatchObject({ severity: 'info' });
    expect(p.cluster).toEqual({ uid: 'cluster-uid' });
    expect(p.spec.spec.nodes.names).toEqual(['n1']);
    expect(p.digest).toBe('');
  });
});

describe('plan: fingerprint', () => {
  const base = () => new SnapshotBuilder().node('n1').node('n2').deployment('web', { nodes: ['n1', 'n2'], podSpec: { containers: [{ name: 'app', image: 'x', env: [{ name: 'TOKEN', value: 's3cr3t' }] }] } });
  const fp = (s: Snapshot) => sortedJson(run(s, ['n1']).fingerprint);

  it('ignores status churn, env values and unrelated annotations', () => {
    const before = fp(base().build());
    const after = fp(
      base()
        .edit('deployments', 'web', (d: any) => {
          d.status.availableReplicas = 1;
          d.metadata.annotations = { note: 'x' };
          d.spec.template.spec.containers[0].env[0].value = 'changed';
        })
        .build(),
    );
    expect(after).toBe(before);
    expect(before).not.toContain('s3cr3t');
  });

  it('changes with replicas, strategy, scheduling fields, node taints and PDB rules', () => {
    const before = fp(base().build());
    expect(fp(base().edit('deployments', 'web', (d: any) => (d.spec.replicas = 5)).build())).not.toBe(before);
    expect(fp(base().edit('deployments', 'web', (d: any) => (d.spec.strategy = { type: 'Recreate' })).build())).not.toBe(before);
    expect(fp(base().edit('deployments', 'web', (d: any) => (d.spec.template.spec.nodeSelector = { a: 'b' })).build())).not.toBe(before);
    expect(fp(base().edit('nodes', 'n2', (n: any) => (n.spec.taints = [{ key: 'k', effect: 'NoSchedule' }])).build())).not.toBe(before);
    expect(fp(base().pdb('web', { matchLabels: { app: 'web' }, minAvailable: 1 }).build())).not.toBe(before);
  });
});

describe('plan: volumes of replacement pods', () => {
  const storageClass = (name: string, provisioner: string, mode = 'WaitForFirstConsumer') => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner,
    volumeBindingMode: mode,
  });
  const withScratch = (storageClassName?: string) => ({
    volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(storageClassName ? { storageClassName } : {}) } } } }],
  });
  const cluster = (storageClassName: string | undefined, classes: ReturnType<typeof storageClass>[]) => {
    const b = new SnapshotBuilder().node('n1').node('n2').deployment('cache', { nodes: ['n1', 'n2'], cpu: '100m', podSpec: withScratch(storageClassName) });
    for (const c of classes) b.object(c);
    return b.build();
  };

  it.each([
    ['a class that provisions on first consumer', 'csi', [storageClass('csi', 'example.com/csi')]],
    ['the default class', undefined, [{ ...storageClass('csi', 'example.com/csi'), metadata: { name: 'csi', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } }]],
  ] as const)('places a Deployment with a generic ephemeral volume (%s): the claim is made per pod', (_t, cls, classes) => {
    const p = run(cluster(cls, [...classes]), ['n1']);
    expect(codes(p).filter((c) => c.startsWith('error'))).toEqual([]);
    expect(codes(p)).not.toContain('warning:STORAGE_CLASS_UNKNOWN');
    expect(p.applicable).toBe(true);
  });

  it('refuses one whose class cannot provision and has no volume, in kube-scheduler words', () => {
    const p = run(cluster('local', [storageClass('local', 'kubernetes.io/no-provisioner')]), ['n1']);
    const f = p.findings.find((x) => x.code === 'UNPLACEABLE')!;
    expect(f.message).toContain("0/2 nodes are available: 1 node(s) didn't find available persistent volumes to bind, 1 node(s) were unschedulable.");
    expect(p.applicable).toBe(false);
  });

  it('assumes a bindable claim when the snapshot holds no StorageClass at all, and says so', () => {
    const p = run(cluster(undefined, []), ['n1']);
    expect(p.applicable).toBe(true);
    const f = p.findings.filter((x) => x.code === 'STORAGE_CLASS_UNKNOWN');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'warning', wave: 1, object: { kind: 'Deployment', name: 'cache' } });
    expect(f[0]!.message).toContain('ephemeral volume "scratch"');
    expect(f[0]!.message).toContain('holds no StorageClass at all');
  });
});

describe('plan: free capacity of tainted and cordoned nodes', () => {
  const dedicated = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };
  const tolerate = { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }], nodeSelector: { pool: 'db' } };
  // A dedicated, tainted pool of two 2-cpu nodes and one small general node.
  const pool = () =>
    new SnapshotBuilder()
      .node('db-1', { cpu: '2', labels: { pool: 'db' }, taints: [dedicated] })
      .node('db-2', { cpu: '2', labels: { pool: 'db' }, taints: [dedicated] })
      .node('general', { cpu: '1' })
      .deployment('db', { nodes: ['db-1', 'db-1'], cpu: '800m', podSpec: tolerate });

  it.each([
    ['evict', 'evict'],
    ['surge', 'surge'],
  ] as const)('counts a tainted node the moving pods tolerate (%s): draining one node of the pool is not blocked', (_t, method) => {
    const p = run(pool().build(), ['db-1'], { workloads: { deployment: method } });
    expect(codes(p)).not.toContain('error:INSUFFICIENT_CAPACITY');
    expect(p.applicable).toBe(true);
    // db-2's 2 cpu and the general node's 1 cpu.
    expect(p.waves[0]!.free.cpuMilli).toBe(3000);
    expect(p.waves[0]!.surge.cpuMilli).toBe(1600);
  });

  it('leaves out tainted nodes no moving pod tolerates, and the cordoned wave nodes', () => {
    const snap = pool().deployment('web', { nodes: ['general'], cpu: '100m' }).node('spare', { cpu: '1' }).build();
    const p = run(snap, ['general'], { workloads: { deployment: 'evict' } });
    expect(p.waves[0]!.free.cpuMilli).toBe(1000);
  });

  it('still reports a real shortage in the pool', () => {
    const snap = pool().deployment('db2', { nodes: ['db-2', 'db-2'], cpu: '800m', podSpec: tolerate }).build();
    const p = run(snap, ['db-1'], { workloads: { deployment: 'evict' } });
    expect(codes(p)).toContain('error:UNPLACEABLE');
    expect(codes(p)).toContain('error:INSUFFICIENT_CAPACITY');
    expect(p.waves[0]!.free.cpuMilli).toBe(400 + 1000);
  });
});

describe('plan: StatefulSet pods on local volumes', () => {
  // db-0 on n1 and db-1 on n2, each with its claim from volumeClaimTemplates bound to a local
  // PersistentVolume of its node: a replacement of db-0 can only run on n1 (measured on the
  // real control plane by bench:fidelity: a restart left it Pending while the plan said it fits).
  const local = () => {
    const snap = new SnapshotBuilder()
      .node('n1', { labels: { 'kubernetes.io/hostname': 'n1' } })
      .node('n2', { labels: { 'kubernetes.io/hostname': 'n2' } })
      .node('n3', { labels: { 'kubernetes.io/hostname': 'n3' } })
      .statefulSet('db', { nodes: ['n1', 'n2'], cpu: '100m' })
      .edit('statefulSets', 'db', (s: any) => {
        s.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', resources: { requests: { storage: '1Gi' } } } }];
      })
      .edit('pods', 'db-0', (p: any) => (p.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }]))
      .edit('pods', 'db-1', (p: any) => (p.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } }]))
      .object({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' } as never)
      .build();
    for (const [claim, node] of [['data-db-0', 'n1'], ['data-db-1', 'n2']] as const) {
      snap.pvcs.push(makePvc(claim, { volumeName: `pv-${node}`, storageClassName: 'local' }));
      snap.pvs.push({ ...makePv(`pv-${node}`, { nodeAffinity: { 'kubernetes.io/hostname': [node] } }), spec: { ...makePv(`pv-${node}`, { nodeAffinity: { 'kubernetes.io/hostname': [node] } }).spec, storageClassName: 'local', claimRef: { namespace: 'default', name: claim } } });
    }
    return snap;
  };

  it.each(['evict', 'roll'] as const)('%s: the pod on the drained node cannot follow its volume anywhere else: UNPLACEABLE', (method) => {
    const p = run(local(), ['n1'], { workloads: { statefulSet: method } });
    const f = p.findings.find((x) => x.code === 'UNPLACEABLE');
    expect(f, JSON.stringify(p.findings)).toBeDefined();
    expect(f!.message).toContain("didn't match PersistentVolume's node affinity");
    expect(p.applicable).toBe(false);
  });

  it('roll: the pods of other nodes go back to their own nodes', () => {
    const p = run(local(), ['n3'], { workloads: { statefulSet: 'roll' } });
    expect(p.findings.filter((x) => x.code === 'UNPLACEABLE')).toEqual([]);
  });
});

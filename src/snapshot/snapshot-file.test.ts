import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import type { KubeObject } from '../model/k8s.js';
import { emptySnapshot, type Snapshot } from '../model/snapshot.js';
import { buildSnapshot } from './build-snapshot.js';
import { compactCanonicalJson as canonicalJson } from '../planfile/canonical-json.js';
import { ENV_VALUE_REDACTED, isSnapshotFileText, loadSnapshotText, serializeSnapshot, slimObject } from './snapshot-file.js';
import { REAL_FIXTURES_DIR } from '../../test/helpers/paths.js';

const REAL = `${REAL_FIXTURES_DIR}/`;

function refused(text: string, file = 'cluster.json'): InputError {
  try {
    loadSnapshotText(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe('INPUT_INVALID');
    return e as InputError;
  }
  throw new Error('expected the file to be refused');
}

function fatPod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'api-1',
      namespace: 'shop',
      uid: 'p1',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"secret":"x"}' },
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: {
      nodeName: 'n1',
      initContainers: [{ name: 'init', image: 'x', env: [{ name: 'TOKEN', value: 's3cr3t' }] }],
      containers: [
        {
          name: 'api',
          image: 'x',
          env: [
            { name: 'PASSWORD', value: 'hunter2' },
            { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          ],
        },
      ],
    },
  };
}

describe('serializeSnapshot', () => {
  it('writes the envelope first, one canonical object per line, and reads back the same snapshot', () => {
    const objs: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', uid: 'ks' } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n1', labels: { z: '1', a: '2' } }, status: { allocatable: { cpu: '2' } } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', uid: 'sc' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a', uid: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    ];
    const { snapshot } = buildSnapshot(objs, { server: 'https://10.0.0.1:6443' });
    const text = serializeSnapshot(snapshot);
    const lines = text.split('\n');
    expect(lines[0]).toBe('{"apiVersion":"sdrain.io/v1alpha1","kind":"Snapshot","cluster":{"server":"https://10.0.0.1:6443","uid":"ks"},"items":[');
    expect(lines.slice(1, -2).map((l) => JSON.parse(l.replace(/,$/, '')) as KubeObject).map((o) => o.kind)).toEqual(['Namespace', 'Node', 'Pod', 'StorageClass']);
    for (const l of lines.slice(1, -2)) expect(canonicalJson(JSON.parse(l.replace(/,$/, '')))).toBe(l.replace(/,$/, ''));
    expect(lines.slice(-2)).toEqual([']}', '']);
    expect(isSnapshotFileText(text)).toBe(true);
    const back = loadSnapshotText(text, 'snap.json');
    expect(back.warnings).toEqual([]);
    expect(back.snapshot).toEqual(snapshot);
    expect(serializeSnapshot(back.snapshot)).toBe(text);
  });

  it('writes an empty snapshot as valid JSON', () => {
    const text = serializeSnapshot(emptySnapshot());
    expect(JSON.parse(text)).toEqual({ apiVersion: 'sdrain.io/v1alpha1', kind: 'Snapshot', cluster: {}, items: [] });
    expect(loadSnapshotText(text, 's.json').snapshot).toEqual(emptySnapshot());
  });

  it('leaves out managedFields, last-applied configuration, node images, payloads and env values', () => {
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n1' }, status: { allocatable: { cpu: '2' }, images: [{ names: ['big'] }] } };
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'a', uid: 's' }, data: { k: 'c2VjcmV0' }, stringData: { k: 'secret' } };
    const rev: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'r', namespace: 'a', uid: 'r' },
      revision: 1,
      data: { spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'K', value: 'v' }] }] } } } },
    };
    const pod = fatPod();
    const before = JSON.stringify(pod);
    const { snapshot } = buildSnapshot([node, secret, rev, pod], {});
    const text = serializeSnapshot(snapshot);
    expect(JSON.stringify(pod)).toBe(before);
    for (const secretish of ['s3cr3t', 'hunter2', 'c2VjcmV0', '"secret"', 'managedFields', 'last-applied', '"big"', '"v"']) expect(text).not.toContain(secretish);
    const back = loadSnapshotText(text, 's.json').snapshot;
    const p = back.pods[0]!;
    expect(p.metadata.annotations).toBeUndefined();
    expect(p.spec.containers[0]!.env).toEqual([
      { name: 'PASSWORD', value: ENV_VALUE_REDACTED },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ]);
    expect(p.spec.initContainers![0]!.env).toEqual([{ name: 'TOKEN', value: ENV_VALUE_REDACTED }]);
    expect(back.nodes[0]!.status).toEqual({ allocatable: { cpu: '2' } });
    expect(back.other.find((o) => o.kind === 'Secret')).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'a', uid: 's' } });
  });

  it('keeps other annotations when dropping last-applied configuration', () => {
    const pod = fatPod();
    pod.metadata.annotations!['prometheus.io/scrape'] = 'true';
    expect(slimObject(pod).metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
  });

  it('gives the same bytes whatever the order of the objects read', () => {
    const text = readFileSync(new URL('../../examples/cluster.yaml', import.meta.url), 'utf8');
    const { snapshot } = loadSnapshotText(text, 'cluster.yaml');
    const all = serializeSnapshot(snapshot);
    const items = (JSON.parse(all) as { items: KubeObject[] }).items.reverse();
    const reversed = buildSnapshot(items, snapshot.cluster).snapshot;
    expect(serializeSnapshot(reversed)).toBe(all);
  });
});

describe('loadSnapshotText', () => {
  it('refuses other snapshot versions instead of guessing', () => {
    const err = refused('{"apiVersion":"sdrain.io/v2","kind":"Snapshot","cluster":{},"items":[]}');
    expect(err.diagnostics.map((d) => d.message)).toEqual(['Cannot read snapshot format "sdrain.io/v2": this sdrain reads "sdrain.io/v1alpha1" only']);
  });

  it('says so when given a maintenance spec instead of a cluster', () => {
    const yaml = refused('apiVersion: sdrain.io/v1alpha1\nkind: Maintenance\nmetadata: {name: m}\nspec: {nodes: {names: [a]}}\n', 'maint.yaml');
    expect(yaml.diagnostics.map((d) => d.message)).toContain('Cannot read the cluster from this file: it holds a maintenance spec, not cluster objects (pass it with -f instead)');
    const json = refused('{"apiVersion":"sdrain.io/v1alpha1","kind":"Maintenance","metadata":{"name":"m"}}');
    expect(json.diagnostics.map((d) => d.message)).toEqual(['Cannot read the cluster from this file: it is a maintenance spec, not a cluster snapshot or object dump']);
  });

  it('lists every bad item of a snapshot file', () => {
    const err = refused('{"apiVersion":"sdrain.io/v1alpha1","kind":"Snapshot","cluster":{},"items":[\n{"kind":"Pod"},\n{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"status":{"allocatable":{"cpu":"x"}}},\n42\n]}\n');
    expect(err.diagnostics.map((d) => `${d.field ?? d.object}: ${d.message}`)).toEqual([
      'items[0]: is not an object with apiVersion, kind and metadata.name',
      'items[2]: is not an object with apiVersion, kind and metadata.name',
      'Node "n": Cannot use Node "n": status.allocatable cpu "x" is not a valid quantity (expected a number with an optional suffix such as 250m, 1Gi)',
    ]);
    expect(err.message).toBe('Cannot load the cluster snapshot "cluster.json": 3 problems found');
  });

  it('reports a truncated snapshot file', () => {
    const err = refused('{"apiVersion":"sdrain.io/v1alpha1","kind":"Snapshot","cluster":{},"items":[\n{"apiVersion":"v1"');
    expect(err.diagnostics[0]!.message).toMatch(/^Cannot parse the snapshot file: /);
  });

  it('collects problems from reading and from building together', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- kind: Pod',
      '  apiVersion: v1',
      '  metadata: {name: a, namespace: x}',
      '- kind: Pod',
      '  apiVersion: v1',
      '  metadata: {name: b, namespace: x}',
      '  spec: {containers: [{name: c, resources: {requests: {cpu: lots}}}]}',
      '- kind: Deployment',
      '  apiVersion: apps/v1',
      '  metadata: {name: d, namespace: x}',
      '  spec: {replicas: -1, selector: {matchLabels: {app: d}}, template: {spec: {containers: []}}}',
      '',
    ].join('\n');
    const err = refused(text, 'dump.yaml');
    expect(err.diagnostics.map((d) => d.object)).toEqual(['Pod "x/a"', 'Deployment "x/d"', 'Pod "x/b"']);
    expect(err.diagnostics[0]!.line).toBe(4);
    expect(err.diagnostics.every((d) => d.file === 'dump.yaml')).toBe(true);
  });

  it.each(readdirSync(REAL).filter((f) => /\.(ya?ml|json)$/.test(f)))('loads the real dump %s with no errors, also from its own snapshot format', (file) => {
    const { snapshot } = loadSnapshotText(readFileSync(REAL + file, 'utf8'), file);
    const count = Object.values(snapshot).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
    expect(count).toBeGreaterThan(0);
    const text = serializeSnapshot(snapshot);
    const again = loadSnapshotText(text, `${file}.snapshot.json`);
    // Duplicates and upgraded versions were dealt with on the first load; objects from several
    // clusters that share a uid (one hand-edited dump) are still worth a warning.
    expect(again.warnings.filter((w) => !/shares its uid/.test(w.message))).toEqual([]);
    expect(serializeSnapshot(again.snapshot)).toBe(text);
    expect(again.snapshot.pods.length).toBe(snapshot.pods.length);
    expect(text).not.toContain('"managedFields"');
  }, 60_000);
});

/** Checks on the shipped example clusters that other tests and the demo rely on. */
describe('example clusters', () => {
  const load = (rel: string): Snapshot => {
    const { snapshot, warnings } = loadSnapshotText(readFileSync(new URL(rel, import.meta.url), 'utf8'), rel);
    expect(warnings).toEqual([]);
    return snapshot;
  };
  const podsOn = (s: Snapshot, node: string, prefix: string) => s.pods.filter((p) => p.spec.nodeName === node && p.metadata.name.startsWith(prefix)).length;

  function checkConsistent(s: Snapshot): void {
    const byUid = new Map<string, KubeObject>();
    for (const v of Object.values(s)) if (Array.isArray(v)) for (const o of v as KubeObject[]) byUid.set(o.metadata.uid!, o);
    const nodeNames = new Set(s.nodes.map((n) => n.metadata.name));
    for (const n of s.nodes) {
      expect(n.metadata.labels?.['kubernetes.io/hostname']).toBe(n.metadata.name);
      expect(n.metadata.labels?.['topology.kubernetes.io/zone']).toMatch(/^eu-west-1[a-c]$/);
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    for (const p of s.pods) {
      expect(nodeNames.has(p.spec.nodeName!)).toBe(true);
      expect(p.status?.phase).toBe('Running');
      expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      const owner = p.metadata.ownerReferences?.[0];
      expect(owner?.controller).toBe(true);
      const o = byUid.get(owner!.uid);
      expect(o?.kind).toBe(owner!.kind);
      expect(o?.metadata.name).toBe(owner!.name);
      if (o?.kind === 'ReplicaSet') {
        expect(o.metadata.name).toBe(`${o.metadata.ownerReferences![0]!.name}-${p.metadata.labels!['pod-template-hash']}`);
        expect(byUid.get(o.metadata.ownerReferences![0]!.uid)?.kind).toBe('Deployment');
      }
    }
    for (const d of s.deployments) {
      const rs = s.replicaSets.filter((r) => r.metadata.ownerReferences?.[0]?.uid === d.metadata.uid);
      expect(rs).toHaveLength(1);
      const pods = s.pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs[0]!.metadata.uid);
      expect(pods).toHaveLength(d.spec.replicas!);
      expect(d.status?.readyReplicas).toBe(d.spec.replicas);
      expect(rs[0]!.status?.replicas).toBe(d.spec.replicas);
    }
  }

  it('examples/cluster.yaml holds the documented cases', () => {
    const s = load('../../examples/cluster.yaml');
    checkConsistent(s);
    expect(s.cluster.uid).toBe(s.namespaces.find((n) => n.metadata.name === 'kube-system')!.metadata.uid);
    expect(s.nodes.map((n) => n.metadata.name)).toEqual(['control-plane', 'worker-1', 'worker-2', 'worker-3']);
    expect(s.nodes[0]!.spec?.taints).toEqual([{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }]);
    expect(s.nodes.slice(1).every((n) => n.spec?.taints === undefined)).toBe(true);

    const nginx = s.deployments.find((d) => d.metadata.name === 'nginx')!;
    expect(nginx.spec.replicas).toBe(3);
    expect(nginx.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(podsOn(s, 'worker-1', 'nginx-')).toBe(2);
    expect(podsOn(s, 'worker-2', 'nginx-')).toBe(1);

    const pinned = s.deployments.find((d) => d.metadata.name === 'license-server')!;
    expect(pinned.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'worker-1' });
    expect(podsOn(s, 'worker-1', 'license-server-')).toBe(1);

    const recreate = s.deployments.find((d) => d.metadata.name === 'legacy-billing')!;
    expect(recreate.spec.replicas).toBe(1);
    expect(recreate.spec.strategy).toEqual({ type: 'Recreate' });

    expect(s.hpas.map((h) => h.spec.scaleTargetRef.name)).toEqual(['api']);

    const sts = s.statefulSets.find((x) => x.metadata.name === 'redis')!;
    expect(sts.spec.replicas).toBe(3);
    const pdb = s.pdbs.find((p) => p.metadata.name === 'redis')!;
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.status?.disruptionsAllowed).toBe(1);
    const redisPods = s.pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === sts.metadata.uid);
    expect(redisPods.map((p) => p.spec.nodeName)).toEqual(['worker-1', 'worker-2', 'worker-3']);
    for (const p of redisPods) {
      const claim = p.spec.volumes!.find((v) => v.persistentVolumeClaim)!.persistentVolumeClaim!.claimName;
      const pvc = s.pvcs.find((c) => c.metadata.name === claim)!;
      expect(pvc.status?.phase).toBe('Bound');
      const pv = s.pvs.find((v) => v.metadata.name === pvc.spec.volumeName)!;
      expect(pv.spec.claimRef?.uid).toBe(pvc.metadata.uid);
    }
    const ds = s.daemonSets.find((d) => d.metadata.name === 'kube-proxy')!;
    expect(s.pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === ds.metadata.uid)).toHaveLength(4);
    expect(ds.status?.numberReady).toBe(4);
  });

  it('test/fixtures/pdb-blocked.yaml has a PDB that allows no disruption', () => {
    const s = load('../../test/fixtures/pdb-blocked.yaml');
    checkConsistent(s);
    expect(s.pdbs.map((p) => [p.metadata.name, p.spec.minAvailable, p.status?.disruptionsAllowed])).toEqual([['zookeeper', 3, 0]]);
    expect(s.pods.map((p) => p.spec.nodeName)).toEqual(['worker-1', 'worker-2', 'worker-3']);
  });

  it('test/fixtures/pod-kinds.yaml has one pod of each special kind on worker-1', () => {
    const s = load('../../test/fixtures/pod-kinds.yaml');
    const on1 = s.pods.filter((p) => p.spec.nodeName === 'worker-1');
    const by = (pred: (p: (typeof on1)[number]) => boolean) => on1.filter(pred).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(by((p) => !p.metadata.ownerReferences)).toEqual(['tools/debug-shell']);
    expect(by((p) => p.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined)).toEqual(['kube-system/haproxy-worker-1']);
    expect(by((p) => p.metadata.ownerReferences?.[0]?.kind === 'DaemonSet')).toHaveLength(1);
    expect(by((p) => p.status?.phase === 'Succeeded')).toEqual([expect.stringMatching(/^tools\/migrate-/)]);
    expect(by((p) => (p.spec.volumes ?? []).some((v) => v.emptyDir))).toEqual([expect.stringMatching(/^tools\/cache-/)]);
    expect(by((p) => p.metadata.annotations?.['cluster-autoscaler.kubernetes.io/safe-to-evict'] === 'false')).toEqual([expect.stringMatching(/^tools\/batch-runner-/)]);
    expect(s.jobs.map((j) => j.metadata.name)).toEqual(['migrate']);
  });

  it('uses a different cluster identity for each example cluster', () => {
    const files = ['../../examples/cluster.yaml', '../../test/fixtures/seed-article.yaml', '../../test/fixtures/pdb-blocked.yaml', '../../test/fixtures/pod-kinds.yaml'];
    const uids = files.map((f) => load(f).cluster.uid);
    expect(uids.every((u) => typeof u === 'string')).toBe(true);
    expect(new Set(uids).size).toBe(files.length);
  });

  it('test/fixtures/seed-article.yaml is exactly the seed case', () => {
    const s = load('../../test/fixtures/seed-article.yaml');
    checkConsistent(s);
    expect(s.nodes.map((n) => n.metadata.name)).toEqual(['control-plane', 'worker-1', 'worker-2']);
    expect(s.deployments.map((d) => d.metadata.name)).toEqual(['nginx']);
    expect(s.deployments[0]!.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(s.pods).toHaveLength(3);
    expect(podsOn(s, 'worker-1', 'nginx-')).toBe(2);
    expect(s.statefulSets.length + s.daemonSets.length + s.pdbs.length + s.other.length).toBe(0);
  });
});

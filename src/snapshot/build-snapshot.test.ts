import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/k8s.js';
import { buildSnapshot, derivedUid } from './build-snapshot.js';
import { compactCanonicalJson as canonicalJson } from '../planfile/canonical-json.js';

/** A small deterministic PRNG so shuffles are reproducible (a failure can be replayed). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

function shuffled<T>(items: T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Deep copy with every object's keys in a random order. */
function shuffleKeys(v: unknown, rnd: () => number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, rnd));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of shuffled(Object.keys(v), rnd)) out[k] = shuffleKeys((v as Record<string, unknown>)[k], rnd);
  return out;
}

function pod(ns: string, name: string, extra: { uid?: string; node?: string; cpu?: string; memory?: string; owner?: { kind: string; name: string; uid?: string } } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      ...(extra.uid ? { uid: extra.uid } : {}),
      labels: { app: name.split('-')[0]! },
      ...(extra.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', controller: true, uid: '', ...extra.owner }] } : {}),
    },
    spec: { nodeName: extra.node ?? 'n1', containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: extra.cpu ?? '100m', memory: extra.memory ?? '64Mi' } } }] },
    status: { phase: 'Running' },
  };
}

function node(name: string, allocatable: Record<string, string> = { cpu: '4', memory: '8Gi', pods: '110' }): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}` }, status: { allocatable, capacity: allocatable } };
}

function deployment(ns: string, name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, uid: `uid-${ns}-${name}` },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } }, ...spec },
  };
}

function namespace(name: string, uid?: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(uid ? { uid } : {}) } };
}

describe('buildSnapshot', () => {
  it('sorts each collection by namespace, name, uid in code-unit order', () => {
    const objs = [pod('b', 'x', { uid: '2' }), pod('a', 'z', { uid: '1' }), pod('a', 'Z', { uid: '3' }), pod('a', 'é', { uid: '4' }), pod('a', 'z', { uid: '0' })];
    // The duplicate a/z would be reported; give it another name to keep this about order only.
    objs[4]!.metadata.name = 'z0';
    const { snapshot, errors } = buildSnapshot(objs, {});
    expect(errors).toEqual([]);
    expect(snapshot.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['a/Z', 'a/z', 'a/z0', 'a/é', 'b/x']);
  });

  it('puts each kind in its collection and unmodelled kinds in other, grouped by kind', () => {
    const objs: KubeObject[] = [
      node('n1'),
      namespace('default'),
      deployment('default', 'web'),
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'slow' } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } },
    ];
    const { snapshot, errors, warnings } = buildSnapshot(objs, {});
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(snapshot.nodes.map((o) => o.metadata.name)).toEqual(['n1']);
    expect(snapshot.namespaces.map((o) => o.metadata.name)).toEqual(['default']);
    expect(snapshot.deployments.map((o) => o.metadata.name)).toEqual(['web']);
    expect(snapshot.pdbs.map((o) => o.metadata.name)).toEqual(['web']);
    expect(snapshot.other.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['PriorityClass/high', 'StorageClass/fast', 'StorageClass/slow']);
  });

  it('gives the same JSON whatever the order of objects and keys', () => {
    const base: KubeObject[] = [
      namespace('kube-system', 'ks-uid'),
      namespace('shop'),
      node('n2'),
      node('n1'),
      deployment('shop', 'api'),
      deployment('shop', 'web'),
      ...Array.from({ length: 40 }, (_, i) => pod(i % 2 ? 'shop' : 'default', `api-${i}`, { owner: { kind: 'ReplicaSet', name: 'api-1' }, node: `n${(i % 2) + 1}` })),
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api-1', namespace: 'shop' }, spec: { replicas: 2, selector: { matchLabels: { app: 'api' } } } },
    ];
    const reference = buildSnapshot(base, { server: 'https://x' });
    const expected = canonicalJson(reference.snapshot);
    const rnd = prng(7);
    for (let round = 0; round < 5; round++) {
      const input = shuffled(base, rnd).map((o) => shuffleKeys(o, rnd) as KubeObject);
      const got = buildSnapshot(input, { server: 'https://x' });
      expect(canonicalJson(got.snapshot)).toBe(expected);
      expect(got.snapshot).toEqual(reference.snapshot);
      expect(got.errors).toEqual(reference.errors);
      expect(got.warnings).toEqual(reference.warnings);
    }
  });

  it('fills the cluster uid from a real kube-system Namespace uid only', () => {
    expect(buildSnapshot([namespace('kube-system', 'abc')], {}).snapshot.cluster).toEqual({ uid: 'abc' });
    expect(buildSnapshot([namespace('kube-system')], {}).snapshot.cluster).toEqual({});
    expect(buildSnapshot([namespace('kube-system', 'abc')], { uid: 'given', server: 's' }).snapshot.cluster).toEqual({ uid: 'given', server: 's' });
    expect(buildSnapshot([], { server: 's' }).snapshot.cluster).toEqual({ server: 's' });
  });

  it('derives missing uids and owner uids from kind/namespace/name without touching the input', () => {
    const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } } } };
    const p = pod('shop', 'web-1-abc', { owner: { kind: 'ReplicaSet', name: 'web-1' } });
    const other = pod('shop', 'web-1-def', { owner: { kind: 'ReplicaSet', name: 'gone' } });
    const before = JSON.stringify([rs, p, other]);
    const { snapshot, errors } = buildSnapshot([rs, p, other], {});
    expect(errors).toEqual([]);
    expect(JSON.stringify([rs, p, other])).toBe(before);
    const rsUid = snapshot.replicaSets[0]!.metadata.uid;
    expect(rsUid).toBe(derivedUid('ReplicaSet', 'shop', 'web-1'));
    expect(rsUid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(snapshot.pods[0]!.metadata.ownerReferences![0]!.uid).toBe(rsUid);
    expect(snapshot.pods[1]!.metadata.ownerReferences![0]!.uid).toBe(derivedUid('ReplicaSet', 'shop', 'gone'));
    expect(snapshot.pods[0]!.metadata.uid).toBe(derivedUid('Pod', 'shop', 'web-1-abc'));
    expect(derivedUid('Pod', 'a', 'b')).not.toBe(derivedUid('Pod', 'a/b', ''));
  });

  it('uses the owner uid from the file when the owner has one', () => {
    const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'shop', uid: 'real-rs' }, spec: { selector: { matchLabels: { app: 'web' } } } };
    const { snapshot } = buildSnapshot([pod('shop', 'web-1-abc', { owner: { kind: 'ReplicaSet', name: 'web-1' } }), rs], {});
    expect(snapshot.pods[0]!.metadata.ownerReferences![0]!.uid).toBe('real-rs');
  });

  it('puts namespaced objects without a namespace in "default"', () => {
    const p = pod('x', 'lonely');
    delete p.metadata.namespace;
    const { snapshot } = buildSnapshot([p], {});
    expect(snapshot.pods[0]!.metadata.namespace).toBe('default');
    expect(p.metadata.namespace).toBeUndefined();
  });

  it('keeps the first of duplicate objects and warns', () => {
    const a = pod('shop', 'web', { uid: 'u1', cpu: '100m' });
    const b = pod('shop', 'web', { uid: 'u2', cpu: '200m' });
    const c = pod('shop', 'web', { uid: 'u1', cpu: '100m' });
    const { snapshot, errors, warnings } = buildSnapshot([a, b, c], {});
    expect(errors).toEqual([]);
    expect(snapshot.pods.map((p) => p.metadata.uid)).toEqual(['u1']);
    expect(warnings.map((w) => w.message)).toEqual([
      'appears more than once with different content; the first copy is used and the others are ignored',
      'appears more than once; the copies are identical and the first is used',
    ]);
    expect(warnings.every((w) => w.object === 'Pod "shop/web"' && w.file === '<cluster>')).toBe(true);
  });

  it('sees copies that differ only in key order as identical', () => {
    const a = pod('shop', 'web', { uid: 'u1' });
    const b = JSON.parse(JSON.stringify({ status: a.status, spec: a.spec, metadata: a.metadata, kind: a.kind, apiVersion: a.apiVersion })) as KubeObject;
    const { warnings } = buildSnapshot([a, b], {});
    expect(warnings.map((w) => `${w.object}: ${w.message}`)).toEqual(['Pod "shop/web": appears more than once; the copies are identical and the first is used']);
  });

  it('treats copies of a modelled kind under two API versions as duplicates', () => {
    const a = deployment('shop', 'web');
    const b = { ...deployment('shop', 'web'), apiVersion: 'extensions/v1beta1' };
    const { snapshot, warnings } = buildSnapshot([a, b], {});
    expect(snapshot.deployments).toHaveLength(1);
    expect(warnings).toHaveLength(1);
  });

  it('treats the same name in another API group as a different object', () => {
    const a: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' } };
    const b: KubeObject = { apiVersion: 'other.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' } };
    const { snapshot, warnings } = buildSnapshot([a, b], {});
    expect(snapshot.other).toHaveLength(2);
    expect(warnings.filter((w) => /more than once/.test(w.message))).toEqual([]);
  });

  it('warns about objects sharing a uid', () => {
    const { warnings } = buildSnapshot([pod('a', 'p', { uid: 'same' }), pod('b', 'q', { uid: 'same' })], {}, 'dump.json');
    expect(warnings.map((w) => `${w.object}: ${w.message}`)).toEqual(['Pod "a/p": shares its uid same with Pod "b/q"', 'Pod "b/q": shares its uid same with Pod "a/p"']);
    expect(warnings[0]!.file).toBe('dump.json');
  });

  it.each<[string, KubeObject, string]>([
    ['invalid pod request', pod('shop', 'web', { cpu: 'lots' }), 'Cannot use Pod "shop/web": container "c" requests cpu "lots" is not a valid quantity (expected a number with an optional suffix such as 250m, 1Gi)'],
    ['invalid pod memory', pod('shop', 'web', { memory: '1.5 GB' }), 'Cannot use Pod "shop/web": container "c" requests memory "1.5 GB" is not a valid quantity (expected a number with an optional suffix such as 250m, 1Gi)'],
    ['invalid init container limit', { ...pod('shop', 'web'), spec: { containers: [{ name: 'c', image: 'x' }], initContainers: [{ name: 'init', image: 'x', resources: { limits: { memory: '-' } } }] } } as KubeObject, 'Cannot use Pod "shop/web": container "init" limits memory "-" is not a valid quantity (expected a number with an optional suffix such as 250m, 1Gi)'],
    ['negative pod request', pod('shop', 'web', { cpu: '-100m' }), 'Cannot use Pod "shop/web": container "c" requests cpu "-100m" is negative'],
    ['invalid pod overhead', { ...pod('shop', 'web'), spec: { containers: [], overhead: { cpu: 'x' } } } as KubeObject, 'Cannot use Pod "shop/web": spec.overhead cpu "x" is not a valid quantity (expected a number with an optional suffix such as 250m, 1Gi)'],
    ['invalid node allocatable', { ...node('n1'), status: { allocatable: { cpu: '4 cores', memory: '8Gi' }, capacity: { cpu: '4' } } }, 'Cannot use Node "n1": status.allocatable cpu "4 cores" is not a valid quantity (expected a number with an optional suffix such as 250m, 1Gi)'],
    ['invalid node capacity', { ...node('n1'), status: { allocatable: { cpu: '4' }, capacity: { memory: '8 GiB' } } }, 'Cannot use Node "n1": status.capacity memory "8 GiB" is not a valid quantity (expected a number with an optional suffix such as 250m, 1Gi)'],
    ['invalid template request', deployment('shop', 'web', { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '1x' } } }] } } }), 'Cannot use Deployment "shop/web": container "c" requests cpu "1x" is not a valid quantity (expected a number with an optional suffix such as 250m, 1Gi)'],
    ['negative replicas', deployment('shop', 'web', { replicas: -1 }), 'Cannot use Deployment "shop/web": spec.replicas -1 must be a whole number of at least 0'],
    ['fractional replicas', { ...deployment('shop', 'db'), kind: 'StatefulSet', spec: { ...(deployment('shop', 'db').spec as object), replicas: 1.5 } } as KubeObject, 'Cannot use StatefulSet "shop/db": spec.replicas 1.5 must be a whole number of at least 0'],
    ['bad selector operator', deployment('shop', 'web', { selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] } }), 'Cannot use Deployment "shop/web": spec.selector is malformed: matchExpressions[0].operator "Equals" must be one of In, NotIn, Exists, DoesNotExist'],
    ['In without values', deployment('shop', 'web', { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } }), 'Cannot use Deployment "shop/web": spec.selector is malformed: matchExpressions[0] uses In without values'],
    ['Exists with values', deployment('shop', 'web', { selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] } }), 'Cannot use Deployment "shop/web": spec.selector is malformed: matchExpressions[0] uses Exists with values'],
    ['bad selector key', deployment('shop', 'web', { selector: { matchLabels: { 'bad key': 'web' } } }), 'Cannot use Deployment "shop/web": spec.selector is malformed: "bad key" is not a valid label key'],
    ['bad selector value', deployment('shop', 'web', { selector: { matchLabels: { app: 'a,b' } } }), 'Cannot use Deployment "shop/web": spec.selector is malformed: matchLabels "app" has the value "a,b", which is not a valid label value'],
    ['non-string label', { ...pod('shop', 'web'), metadata: { name: 'web', namespace: 'shop', labels: { version: 2 as unknown as string } } }, 'Cannot use Pod "shop/web": label "version" has the value 2, which is not a string (quote it in YAML)'],
    ['bad PDB maxUnavailable', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'x' }, spec: { maxUnavailable: '1' } }, 'Cannot use PodDisruptionBudget "x/p": spec.maxUnavailable "1" must be a whole number of at least 0 or a percentage such as "25%"'],
    ['bad maxSurge', deployment('shop', 'web', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: -1 } } }), 'Cannot use Deployment "shop/web": spec.strategy.rollingUpdate.maxSurge -1 must be a whole number of at least 0 or a percentage such as "25%"'],
  ])('reports %s', (_name, obj, message) => {
    const { errors } = buildSnapshot([obj], {});
    expect(errors.map((e) => e.message)).toEqual([message]);
  });

  it('reports every problem at once, in a stable order', () => {
    const objs = [deployment('shop', 'web', { replicas: -2 }), pod('shop', 'a', { cpu: 'x', memory: 'y' }), node('n1', { cpu: 'z' })];
    const { errors } = buildSnapshot(objs, {});
    expect(errors.map((e) => e.object)).toEqual(['Deployment "shop/web"', 'Node "n1"', 'Node "n1"', 'Pod "shop/a"', 'Pod "shop/a"']);
    expect(buildSnapshot([...objs].reverse(), {}).errors).toEqual(errors);
  });

  it('accepts what real servers send: numbers as quantities, percentages, exponents', () => {
    const p = pod('shop', 'web', { cpu: '1.5', memory: '129e6' });
    const d = deployment('shop', 'web', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } });
    const n = node('n1', { cpu: '3920m', memory: '16Gi', pods: '110', 'nvidia.com/gpu': '1' });
    const { errors } = buildSnapshot([p, d, n], {});
    expect(errors).toEqual([]);
  });

  it('warns about workloads without a selector and nodes without allocatable', () => {
    const d = deployment('shop', 'web');
    delete (d.spec as { selector?: unknown }).selector;
    const n: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bare', uid: 'b' } };
    const { errors, warnings } = buildSnapshot([d, n], {});
    expect(errors).toEqual([]);
    expect(warnings.map((w) => `${w.object}: ${w.message}`)).toEqual([
      'Deployment "shop/web": has no spec.selector, so it selects no pods',
      'Node "bare": has no status.allocatable, so no pod fits on it',
    ]);
  });

  it('builds 150,000 shuffled pods in less CPU time than two JSON copies of them', () => {
    const pods: KubeObject[] = [];
    for (let i = 0; i < 150_000; i++) {
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p-${i}`, namespace: `ns-${i % 50}`, uid: `u-${i}`, labels: { app: `a${i % 100}` }, ownerReferences: [{ apiVersion: 'apps/v1', controller: true, kind: 'ReplicaSet', name: `rs-${i % 1000}`, uid: `rs-${i % 1000}` }] },
        spec: { nodeName: `n-${i % 1000}`, containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } } }] },
        status: { phase: 'Running' },
      });
    }
    const input = shuffled(pods, prng(3));
    // A wall-clock limit would be flaky on a loaded 2-core CI machine, so the build is compared
    // with one JSON round trip of the same shuffled objects, both in CPU time of this process
    // (vitest runs each test file in its own process). Measured on a heavily loaded 2-core
    // machine, the build cost 0.7–1× the round trip; twice the round trip would mean a
    // regression such as per-object copying or quadratic work.
    const cpuMs = (f: () => void): number => {
      const start = process.cpuUsage();
      f();
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    buildSnapshot(input.slice(0, 2000), {}); // warm up the JIT, as a long-lived process would be
    let built: ReturnType<typeof buildSnapshot> | undefined;
    const build = cpuMs(() => {
      built = buildSnapshot(input, {});
    });
    expect(built!.errors).toEqual([]);
    expect(built!.snapshot.pods).toHaveLength(150_000);
    expect(built!.snapshot.pods[0]!.metadata.name).toBe('p-0');
    const copy = cpuMs(() => JSON.parse(JSON.stringify(input)));
    expect(build).toBeLessThan(2 * copy);
  }, 120_000);
});

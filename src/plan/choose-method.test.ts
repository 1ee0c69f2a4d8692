import { describe, expect, it } from 'vitest';
import { methodReasonText } from './method-reason.js';
import { buildClusterIndex } from './cluster-index.js';
import { chooseMethod } from './choose-method.js';
import { resolveWorkload } from './resolve-workload.js';
import { makeSpec, SnapshotBuilder } from './testing/snapshot-builder.js';

type Over = Parameters<typeof makeSpec>[1];

function decide(b: SnapshotBuilder, over: Over = {}) {
  const snap = b.build();
  const index = buildClusterIndex(snap);
  const pod = snap.pods.find((p) => p.spec.nodeName === 'n1')!;
  const w = resolveWorkload(pod, index);
  return chooseMethod(w, makeSpec(['n1'], over), index, [pod]);
}

const nodes = () => new SnapshotBuilder().node('n1').node('n2');

describe('chooseMethod', () => {
  const cases: { name: string; b: () => SnapshotBuilder; over?: Over; method: string; codes: string[]; reason?: RegExp }[] = [
    { name: 'Deployment defaults to the spec method', b: () => nodes().deployment('web', { nodes: ['n1', 'n2'] }), method: 'surge', codes: [], reason: /default/ },
    {
      name: 'first matching override wins',
      b: () => nodes().deployment('web', { nodes: ['n1', 'n2'] }),
      over: { workloads: { overrides: [{ kind: 'Deployment', namespace: 'other', method: 'evict' }, { kind: 'Deployment', name: 'web', method: 'roll' }, { kind: 'Deployment', method: 'evict' }] } },
      method: 'roll',
      codes: [],
      reason: /override #2/,
    },
    { name: 'surge with an HPA falls back to roll', b: () => nodes().deployment('web', { nodes: ['n1', 'n2'] }).hpa('web', 'web'), method: 'roll', codes: ['HPA_OWNS_REPLICAS'] },
    {
      name: 'surge with an Argo CD field manager owning replicas falls back to roll',
      b: () => nodes().deployment('web', { nodes: ['n1', 'n2'], metadata: { managedFields: [{ manager: 'argocd-controller', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }] } }),
      method: 'roll',
      codes: ['GITOPS_OWNS_REPLICAS'],
    },
    {
      name: 'a field manager that does not own replicas is fine',
      b: () => nodes().deployment('web', { nodes: ['n1', 'n2'], metadata: { managedFields: [{ manager: 'kustomize-controller', fieldsV1: { 'f:spec': { 'f:template': {} } } }] } }),
      method: 'surge',
      codes: [],
    },
    { name: 'Flux label marks GitOps', b: () => nodes().deployment('web', { nodes: ['n1', 'n2'], metadata: { labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' } } }), method: 'roll', codes: ['GITOPS_OWNS_REPLICAS'] },
    { name: 'paused Deployment is evicted', b: () => nodes().deployment('web', { nodes: ['n1', 'n2'], paused: true }), method: 'evict', codes: ['PAUSED_DEPLOYMENT'] },
    {
      name: 'ReadWriteOnce claim makes surge evict',
      b: () => nodes().pvc('data', ['ReadWriteOnce']).deployment('web', { nodes: ['n1'], podSpec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } }),
      method: 'evict',
      codes: ['RWO_VOLUME'],
    },
    {
      name: 'ReadWriteMany claim keeps surge',
      b: () => nodes().pvc('data', ['ReadWriteMany']).deployment('web', { nodes: ['n1'], podSpec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } }),
      method: 'surge',
      codes: [],
    },
    {
      name: 'Recreate roll keeps roll even with a ReadWriteOnce claim (old pod goes first)',
      b: () => nodes().pvc('data', ['ReadWriteOnce']).deployment('web', { nodes: ['n1'], strategy: { type: 'Recreate' }, podSpec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } }),
      over: { workloads: { deployment: 'roll' } },
      method: 'roll',
      codes: [],
    },
    { name: 'StatefulSet defaults to evict', b: () => nodes().statefulSet('db', { nodes: ['n1', 'n2'] }), method: 'evict', codes: [] },
    { name: 'StatefulSet roll', b: () => nodes().statefulSet('db', { nodes: ['n1', 'n2'] }), over: { workloads: { statefulSet: 'roll' } }, method: 'roll', codes: [] },
    { name: 'OnDelete StatefulSet falls back to evict', b: () => nodes().statefulSet('db', { nodes: ['n1', 'n2'], updateStrategy: { type: 'OnDelete' } }), over: { workloads: { statefulSet: 'roll' } }, method: 'evict', codes: ['ONDELETE_STATEFULSET'] },
    {
      name: 'partitioned StatefulSet falls back to evict',
      b: () => nodes().statefulSet('db', { nodes: ['n1', 'n2'], updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }),
      over: { workloads: { statefulSet: 'roll' } },
      method: 'evict',
      codes: ['METHOD_FALLBACK'],
    },
    { name: 'unmanaged pod with delete policy', b: () => nodes().pod('bare', { node: 'n1' }), over: { workloads: { unmanaged: 'delete' } }, method: 'delete', codes: [] },
    { name: 'Job pod is evicted', b: () => nodes().job('batch', 'n1'), method: 'evict', codes: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.b(), c.over);
      expect(d.method).toBe(c.method);
      expect(d.findings.map((f) => f.code)).toEqual(c.codes);
      if (c.reason) expect(methodReasonText(d.why)).toMatch(c.reason);
    });
  }

  it('resolves strategies with Kubernetes rounding', () => {
    const d = decide(nodes().deployment('web', { nodes: ['n1', 'n2'], replicas: 10 }));
    expect(d.strategy).toEqual({ type: 'RollingUpdate', maxSurge: 3, maxUnavailable: 2 });
  });
});

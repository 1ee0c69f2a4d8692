import { describe, expect, it } from 'vitest';
import type { Pod } from '../model/k8s.js';
import { makePod } from '../placement/testing/builders.js';
import { buildClusterIndex } from './cluster-index.js';
import { classifyPod } from './classify-pod.js';
import { resolveWorkload } from './resolve-workload.js';
import { makeSpec, SnapshotBuilder } from './testing/snapshot-builder.js';

const rsOwner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'uid-rs-default-web-5d8f' };
const base = new SnapshotBuilder().node('n1').deployment('web', { nodes: [] }).job('batch', 'n1');

function classify(pod: Pod, over: Parameters<typeof makeSpec>[1] = {}) {
  const snap = base.build();
  snap.pods.push(pod);
  const index = buildClusterIndex(snap);
  const spec = makeSpec(['n1'], over);
  return classifyPod(pod, { spec, index, workload: resolveWorkload(pod, index) });
}

describe('classifyPod', () => {
  const cases: { name: string; pod: Pod; over?: Parameters<typeof makeSpec>[1]; disposition: string; codes: [string, string][] }[] = [
    { name: 'plain ReplicaSet pod of a Deployment moves silently', pod: makePod('p', { node: 'n1', owner: rsOwner }), disposition: 'move', codes: [] },
    { name: 'DaemonSet pod stays', pod: makePod('p', { node: 'n1', owner: { kind: 'DaemonSet', name: 'ds' } }), disposition: 'leave', codes: [['DAEMONSET_POD', 'info']] },
    { name: 'mirror pod stays', pod: makePod('p', { node: 'n1', annotations: { 'kubernetes.io/config.mirror': 'x' }, owner: { kind: 'Node', name: 'n1' } }), disposition: 'leave', codes: [['MIRROR_POD', 'info']] },
    { name: 'completed pod stays', pod: makePod('p', { node: 'n1', phase: 'Succeeded', owner: rsOwner }), disposition: 'leave', codes: [['COMPLETED_POD', 'info']] },
    { name: 'terminating pod stays', pod: makePod('p', { node: 'n1', deletionTimestamp: '2026-01-01T00:00:00Z', owner: rsOwner }), disposition: 'leave', codes: [['TERMINATING_POD', 'info']] },
    { name: 'unmanaged pod is an error by default', pod: makePod('p', { node: 'n1' }), disposition: 'move', codes: [['UNMANAGED_POD', 'error']] },
    { name: 'unmanaged pod is deleted with unmanaged: delete', pod: makePod('p', { node: 'n1' }), over: { workloads: { unmanaged: 'delete' } }, disposition: 'delete', codes: [['UNMANAGED_POD', 'warning']] },
    {
      name: 'emptyDir is an error by default',
      pod: makePod('p', { node: 'n1', owner: rsOwner, spec: { volumes: [{ name: 'tmp', emptyDir: {} }] } }),
      disposition: 'move',
      codes: [['LOCAL_STORAGE', 'error']],
    },
    {
      name: 'emptyDir is a warning with localStorage: delete',
      pod: makePod('p', { node: 'n1', owner: rsOwner, spec: { volumes: [{ name: 'tmp', emptyDir: {} }] } }),
      over: { workloads: { localStorage: 'delete' } },
      disposition: 'move',
      codes: [['LOCAL_STORAGE', 'warning']],
    },
    { name: 'safe-to-evict false is an error', pod: makePod('p', { node: 'n1', owner: rsOwner, annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' } }), disposition: 'move', codes: [['SAFE_TO_EVICT_FALSE', 'error']] },
    { name: 'safe-to-evict true is fine', pod: makePod('p', { node: 'n1', owner: rsOwner, annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' } }), disposition: 'move', codes: [] },
    { name: 'do-not-disrupt is an error', pod: makePod('p', { node: 'n1', owner: rsOwner, annotations: { 'karpenter.sh/do-not-disrupt': 'true' } }), disposition: 'move', codes: [['DO_NOT_DISRUPT', 'error']] },
    { name: 'Job pod is evicted with a warning', pod: makePod('p', { node: 'n1', owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'batch', uid: 'uid-job-default-batch' } }), disposition: 'move', codes: [['EVICT_ONLY_OWNER', 'warning']] },
    { name: 'missing owner is a warning', pod: makePod('p', { node: 'n1', owner: { kind: 'ReplicaSet', name: 'gone' } }), disposition: 'move', codes: [['UNKNOWN_OWNER', 'warning']] },
    {
      name: 'every verdict is kept (unmanaged + emptyDir + opt-out)',
      pod: makePod('p', { node: 'n1', annotations: { 'karpenter.sh/do-not-disrupt': 'true' }, spec: { volumes: [{ name: 'tmp', emptyDir: {} }] } }),
      disposition: 'move',
      codes: [['UNMANAGED_POD', 'error'], ['LOCAL_STORAGE', 'error'], ['DO_NOT_DISRUPT', 'error']],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = classify(c.pod, c.over);
      expect(r.disposition).toBe(c.disposition);
      expect(r.verdicts.map((v) => [v.code, v.severity])).toEqual(c.codes);
      for (const v of r.verdicts) expect(v.message).toContain('"default/p"');
    });
  }
});

describe('resolveWorkload', () => {
  it('follows Pod → ReplicaSet → Deployment and rejects a stale owner uid', () => {
    const snap = new SnapshotBuilder().node('n1').deployment('web', { nodes: ['n1'] }).build();
    const index = buildClusterIndex(snap);
    const pod = snap.pods[0]!;
    expect(resolveWorkload(pod, index)).toMatchObject({ category: 'deployment', ref: { kind: 'Deployment', name: 'web', uid: 'uid-deploy-default-web' } });
    const stale: Pod = { ...pod, metadata: { ...pod.metadata, ownerReferences: [{ ...pod.metadata.ownerReferences![0]!, uid: 'other' }] } };
    expect(resolveWorkload(stale, index).category).toBe('unknown-owner');
  });
});

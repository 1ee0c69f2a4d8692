import { describe, expect, it } from 'vitest';
import type { V1Volume } from '@kubernetes/client-node';
import type { KubeObject } from '../../model/k8s.js';
import { buildPlacementState } from '../placement-state.js';
import { checkPodOnNode, feasibleNodes, scheduleOne } from '../schedule.js';
import { makeNode, makePod, makePv, makePvc } from '../testing/builders.js';

const nodes = () => [
  makeNode('a1', { zone: 'a', labels: { 'topology.kubernetes.io/region': 'r1' } }),
  makeNode('b1', { zone: 'b', labels: { 'topology.kubernetes.io/region': 'r1' } }),
  makeNode('bare'),
];

function storageClass(name: string, mode: string, allowedZones?: string[]): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner: 'example.com/csi',
    volumeBindingMode: mode,
    ...(allowedZones ? { allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: allowedZones }] }] } : {}),
  };
}

describe('VolumeBinding', () => {
  it("requires a bound PV's node affinity to match", () => {
    const state = buildPlacementState({
      nodes: nodes(),
      pods: [],
      pvcs: [makePvc('data', { volumeName: 'pv-1' })],
      pvs: [makePv('pv-1', { nodeAffinity: { 'kubernetes.io/hostname': ['b1'] } })],
    });
    const pod = makePod('db', { claims: ['data'] });
    expect(feasibleNodes(state, pod)).toEqual(['b1']);
    expect(checkPodOnNode(state, pod, 'a1').map((f) => f.message)).toEqual(["node(s) didn't match PersistentVolume's node affinity"]);
  });

  it('fails pod-wide for a missing or deleting claim, once in the message', () => {
    const state = buildPlacementState({ nodes: nodes(), pods: [], pvcs: [makePvc('going', { deletionTimestamp: '2026-01-01T00:00:00Z' })] });
    const missing = scheduleOne(state, makePod('p', { claims: ['nope'] }));
    expect(missing.node).toBeUndefined();
    expect(missing.message).toBe('0/3 nodes are available: persistentvolumeclaim "nope" not found.');
    expect(Object.keys(missing.failures)).toEqual(['a1', 'b1', 'bare']);
    expect(missing.failures.a1![0]).toMatchObject({ predicate: 'VolumeBinding', podWide: true, unresolvable: true });
    expect(scheduleOne(state, makePod('p', { claims: ['going'] })).message).toBe(
      '0/3 nodes are available: persistentvolumeclaim "going" is being deleted.',
    );
  });

  it('names generic ephemeral volume claims after the pod', () => {
    const state = buildPlacementState({ nodes: nodes(), pods: [], pvcs: [makePvc('p-scratch')] });
    const pod = makePod('p', { spec: { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }] } });
    expect(feasibleNodes(state, pod)).toEqual(['a1', 'b1', 'bare']);
    expect(feasibleNodes(state, makePod('q', { spec: pod.spec }))).toEqual([]);
  });

  it('reports a claim bound to a missing PV on every node', () => {
    const state = buildPlacementState({ nodes: nodes(), pods: [], pvcs: [makePvc('data', { volumeName: 'gone' })] });
    expect(scheduleOne(state, makePod('p', { claims: ['data'] })).message).toBe(
      '0/3 nodes are available: 3 node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s).',
    );
  });

  it('handles unbound claims by StorageClass binding mode', () => {
    const state = buildPlacementState({
      nodes: nodes(),
      pods: [],
      pvcs: [
        makePvc('imm', { storageClassName: 'fast' }),
        makePvc('wffc', { storageClassName: 'late' }),
        makePvc('zoned', { storageClassName: 'late-b' }),
        makePvc('unknown', { storageClassName: 'mystery' }),
      ],
      storageClasses: [storageClass('fast', 'Immediate'), storageClass('late', 'WaitForFirstConsumer'), storageClass('late-b', 'WaitForFirstConsumer', ['b'])],
    });
    expect(scheduleOne(state, makePod('p', { claims: ['imm'] })).message).toBe('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
    expect(feasibleNodes(state, makePod('p', { claims: ['wffc'] }))).toEqual(['a1', 'b1', 'bare']);
    expect(feasibleNodes(state, makePod('p', { claims: ['zoned'] }))).toEqual(['b1']);
    expect(feasibleNodes(state, makePod('p', { claims: ['unknown'] }))).toEqual(['a1', 'b1', 'bare']);
  });
});

describe('VolumeZone', () => {
  const state = buildPlacementState({
    nodes: nodes(),
    pods: [],
    pvcs: [makePvc('z', { volumeName: 'pv-z' }), makePvc('multi', { volumeName: 'pv-multi' }), makePvc('beta', { volumeName: 'pv-beta' })],
    pvs: [
      makePv('pv-z', { labels: { 'topology.kubernetes.io/zone': 'a' } }),
      makePv('pv-multi', { labels: { 'topology.kubernetes.io/zone': 'a__b' } }),
      makePv('pv-beta', { labels: { 'failure-domain.beta.kubernetes.io/zone': 'b' } }),
    ],
  });

  it.each([
    ['z', ['a1', 'bare']],
    ['multi', ['a1', 'b1', 'bare']],
    ['beta', ['b1', 'bare']],
  ])('claim %s fits %j (nodes without zone labels are unconstrained)', (claim, want) => {
    expect(feasibleNodes(state, makePod('p', { claims: [claim] }))).toEqual(want);
  });

  it('says so in kube-scheduler words', () => {
    expect(checkPodOnNode(state, makePod('p', { claims: ['z'] }), 'b1').map((f) => f.message)).toEqual(['node(s) had no available volume zone']);
  });
});

describe('VolumeRestrictions (ReadWriteOncePod)', () => {
  it('rejects a second user of a ReadWriteOncePod claim everywhere', () => {
    const state = buildPlacementState({
      nodes: nodes(),
      pods: [makePod('holder', { node: 'a1', claims: ['solo'] })],
      pvcs: [makePvc('solo', { accessModes: ['ReadWriteOncePod'] })],
    });
    const r = scheduleOne(state, makePod('second', { claims: ['solo'] }));
    expect(r.node).toBeUndefined();
    expect(r.message).toBe('0/3 nodes are available: node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode.');
    // The holder itself is not in conflict with itself.
    expect(checkPodOnNode(state, state.getPod('default/holder')!, 'a1')).toEqual([]);
  });
});

describe('VolumeRestrictions (disk conflicts)', () => {
  const withVolume = (name: string, volume: V1Volume, node?: string) => makePod(name, { node, spec: { volumes: [volume] } });
  const gce = (pdName: string, readOnly?: boolean): V1Volume => ({ name: 'd', gcePersistentDisk: { pdName, ...(readOnly ? { readOnly } : {}) } });
  const ebs = (volumeID: string, readOnly?: boolean): V1Volume => ({ name: 'd', awsElasticBlockStore: { volumeID, ...(readOnly ? { readOnly } : {}) } });
  const iscsi = (iqn: string, readOnly?: boolean): V1Volume => ({ name: 'd', iscsi: { iqn, targetPortal: '10.0.0.1:3260', lun: 0, ...(readOnly ? { readOnly } : {}) } });
  const rbd = (monitors: string[], image: string, opts: { pool?: string; readOnly?: boolean } = {}): V1Volume => ({ name: 'd', rbd: { monitors, image, ...opts } });

  // After upstream's volume_restrictions_test.go: same disk read-write → conflict; all read-only → none.
  it.each<[string, V1Volume, V1Volume, boolean]>([
    ['the same GCE PD', gce('pd-1'), gce('pd-1'), false],
    ['another GCE PD', gce('pd-1'), gce('pd-2'), true],
    ['the same GCE PD, both read-only', gce('pd-1', true), gce('pd-1', true), true],
    ['the same GCE PD, one read-only', gce('pd-1', true), gce('pd-1'), false],
    ['the same EBS volume', ebs('vol-1'), ebs('vol-1'), false],
    ['the same EBS volume, even read-only', ebs('vol-1', true), ebs('vol-1', true), false],
    ['another EBS volume', ebs('vol-1'), ebs('vol-2'), true],
    ['the same iSCSI IQN', iscsi('iqn.2026-01.com.example:a'), iscsi('iqn.2026-01.com.example:a'), false],
    ['the same iSCSI IQN, both read-only', iscsi('iqn.2026-01.com.example:a', true), iscsi('iqn.2026-01.com.example:a', true), true],
    ['another iSCSI IQN', iscsi('iqn.2026-01.com.example:a'), iscsi('iqn.2026-01.com.example:b'), true],
    ['an RBD image sharing a monitor', rbd(['m1', 'm2'], 'img'), rbd(['m2', 'm3'], 'img'), false],
    ['an RBD image, default pool both ways', rbd(['m1'], 'img', { pool: 'rbd' }), rbd(['m1'], 'img'), false],
    ['an RBD image in another pool', rbd(['m1'], 'img', { pool: 'a' }), rbd(['m1'], 'img', { pool: 'b' }), true],
    ['an RBD image on other monitors', rbd(['m1'], 'img'), rbd(['m2'], 'img'), true],
    ['an RBD image, both read-only', rbd(['m1'], 'img', { readOnly: true }), rbd(['m1'], 'img', { readOnly: true }), true],
    ['different kinds never conflict', gce('vol-1'), ebs('vol-1'), true],
  ])('%s → fits=%s', (_t, existing, wanted, fits) => {
    const state = buildPlacementState({ nodes: [makeNode('n'), makeNode('m')], pods: [withVolume('holder', existing, 'n')] });
    const failures = checkPodOnNode(state, withVolume('p', wanted), 'n');
    expect(failures).toEqual(fits ? [] : [{ predicate: 'VolumeRestrictions', message: 'node(s) had no available disk' }]);
    // Only the node holding the disk is ruled out.
    expect(checkPodOnNode(state, withVolume('p', wanted), 'm')).toEqual([]);
  });

  it('does not count a placed pod against itself, and names the reason per node', () => {
    const state = buildPlacementState({ nodes: [makeNode('n'), makeNode('m', { unschedulable: true })], pods: [withVolume('holder', ebs('vol-1'), 'n')] });
    expect(checkPodOnNode(state, state.getPod('default/holder')!, 'n')).toEqual([]);
    expect(scheduleOne(state, withVolume('p', ebs('vol-1'))).message).toBe('0/2 nodes are available: 1 node(s) had no available disk, 1 node(s) were unschedulable.');
  });
});

import { describe, expect, it } from 'vitest';
import type { V1Volume } from '@kubernetes/client-node';
import type { KubeObject, PersistentVolume, PersistentVolumeClaim, Pod } from '../../model/k8s.js';
import { buildPlacementState } from '../placement-state.js';
import { preparePod } from '../pod-context.js';
import { checkPodOnNode, feasibleNodes, scheduleOne } from '../schedule.js';
import { assumedProvisionable } from './volumes.js';
import { makeNode, makePod, makePv, makePvc } from '../testing/builders.js';

const nodes = () => [
  makeNode('a1', { zone: 'a', labels: { 'topology.kubernetes.io/region': 'r1' } }),
  makeNode('b1', { zone: 'b', labels: { 'topology.kubernetes.io/region': 'r1' } }),
  makeNode('bare'),
];

function storageClass(name: string, mode: string, allowedZones?: string[], opts: { provisioner?: string; isDefault?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(opts.isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: opts.provisioner ?? 'example.com/csi',
    volumeBindingMode: mode,
    ...(allowedZones ? { allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: allowedZones }] }] } : {}),
  };
}

const LOCAL = 'kubernetes.io/no-provisioner';
const classes = () => [
  storageClass('fast', 'Immediate'),
  storageClass('late', 'WaitForFirstConsumer'),
  storageClass('late-b', 'WaitForFirstConsumer', ['b']),
  storageClass('local', 'WaitForFirstConsumer', undefined, { provisioner: LOCAL }),
  storageClass('local-imm', 'Immediate', undefined, { provisioner: LOCAL }),
];
/** An Available local volume of class "local" on one node. */
const localPv = (name: string, node: string, storage = '1Gi', extra: Partial<PersistentVolume['spec']> = {}): PersistentVolume => {
  const pv = makePv(name, { nodeAffinity: { 'kubernetes.io/hostname': [node] } });
  pv.spec = { ...pv.spec, storageClassName: 'local', capacity: { storage }, ...extra };
  pv.status = { phase: 'Available' };
  return pv;
};
const unbound = 'pod has unbound immediate PersistentVolumeClaims';
const noVolume = "node(s) didn't find available persistent volumes to bind";

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

  it('reports a claim bound to a missing PV on every node', () => {
    const state = buildPlacementState({ nodes: nodes(), pods: [], pvcs: [makePvc('data', { volumeName: 'gone' })] });
    expect(scheduleOne(state, makePod('p', { claims: ['data'] })).message).toBe(
      '0/3 nodes are available: 3 node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s).',
    );
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
    // As upstream 1.36: a Filter failure on every node, which evicting the holder would resolve.
    expect(r.message).toBe('0/3 nodes are available: 3 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod.');
    expect(r.failures.a1).toEqual([{ predicate: 'VolumeRestrictions', message: 'node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod' }]);
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

/** Where the pod fits, or the scheduler's message when it fits nowhere. */
function verdict(state: ReturnType<typeof buildPlacementState>, pod: Pod): string[] | string {
  const r = scheduleOne(state, pod);
  return r.node === undefined ? r.message : feasibleNodes(state, pod);
}

describe('VolumeBinding of unbound claims', () => {
  const claim = (name: string, storageClassName?: string, storage?: string): PersistentVolumeClaim => {
    const pvc = makePvc(name, storageClassName ? { storageClassName } : {});
    if (storage) pvc.spec.resources = { requests: { storage } };
    return pvc;
  };
  // After upstream's volume_binding_test.go / binder_test.go: Immediate (or unset, or missing)
  // classes must be bound already; WaitForFirstConsumer needs a matching volume or provisioning.
  it.each<[string, PersistentVolumeClaim, PersistentVolume[], string[] | string]>([
    ['Immediate class', claim('c', 'fast'), [], `0/3 nodes are available: ${unbound}.`],
    ['no class set', claim('c'), [], `0/3 nodes are available: ${unbound}.`],
    ['a class the cluster lacks', claim('c', 'mystery'), [], `0/3 nodes are available: ${unbound}.`],
    ['WaitForFirstConsumer with a provisioner', claim('c', 'late'), [], ['a1', 'b1', 'bare']],
    ['WaitForFirstConsumer within allowedTopologies', claim('c', 'late-b'), [], ['b1']],
    ['no provisioner and no volume', claim('c', 'local'), [], `0/3 nodes are available: 3 ${noVolume}.`],
    ['no provisioner, a local volume on b1', claim('c', 'local'), [localPv('pv-b1', 'b1')], ['b1']],
    ['no provisioner, the volume is too small', claim('c', 'local', '5Gi'), [localPv('pv-b1', 'b1', '1Gi')], `0/3 nodes are available: 3 ${noVolume}.`],
    [
      'no provisioner, the volume is claimed by another',
      claim('c', 'local'),
      [localPv('pv-b1', 'b1', '1Gi', { claimRef: { namespace: 'default', name: 'other' } })],
      `0/3 nodes are available: 3 ${noVolume}.`,
    ],
    ['no provisioner, the volume is pre-bound to this claim', claim('c', 'local'), [localPv('pv-b1', 'b1', '1Gi', { claimRef: { namespace: 'default', name: 'c' } })], ['b1']],
    ['no provisioner, another access mode', claim('c', 'local'), [localPv('pv-b1', 'b1', '1Gi', { accessModes: ['ReadOnlyMany'] })], `0/3 nodes are available: 3 ${noVolume}.`],
    ['Immediate without a provisioner is still Immediate', claim('c', 'local-imm'), [], `0/3 nodes are available: ${unbound}.`],
  ])('%s', (_t, pvc, pvs, want) => {
    const state = buildPlacementState({ nodes: nodes(), pods: [], pvcs: [pvc], pvs, storageClasses: classes() });
    expect(verdict(state, makePod('p', { claims: ['c'] }))).toEqual(want);
    expect(preparePod(state, makePod('p', { claims: ['c'] })).volumes.assumedProvisionable).toEqual([]);
  });

  it('gives each of two claims its own volume', () => {
    const state = buildPlacementState({
      nodes: nodes(),
      pods: [],
      pvcs: [claim('c1', 'local'), claim('c2', 'local', '2Gi')],
      pvs: [localPv('small-a1', 'a1'), localPv('big-a1', 'a1', '2Gi'), localPv('small-b1', 'b1'), localPv('small-b1-2', 'b1')],
      storageClasses: classes(),
    });
    expect(verdict(state, makePod('p', { claims: ['c1', 'c2'] }))).toEqual(['a1']);
  });

  it('stays lenient when the snapshot holds no StorageClass at all, and says which claims it assumed', () => {
    const state = buildPlacementState({ nodes: nodes(), pods: [], pvcs: [claim('c'), claim('d', 'mystery')] });
    const pod = makePod('p', { claims: ['c', 'd'] });
    expect(verdict(state, pod)).toEqual(['a1', 'b1', 'bare']);
    expect(preparePod(state, pod).volumes.assumedProvisionable).toEqual(['claim "c"', 'claim "d"']);
  });
});

describe('VolumeBinding of generic ephemeral volumes', () => {
  const ephemeral = (name: string, storageClassName?: string, opts: { uid?: string } = {}): Pod => {
    const pod = makePod(name, {
      spec: { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(storageClassName ? { storageClassName } : {}) } } } }] },
    });
    if (opts.uid) pod.metadata.uid = opts.uid;
    return pod;
  };
  const ownedClaim = (name: string, podName: string, podUid: string, volumeName?: string): PersistentVolumeClaim => {
    const pvc = makePvc(name, volumeName ? { volumeName } : { storageClassName: 'late' });
    pvc.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Pod', name: podName, uid: podUid, controller: true }];
    return pvc;
  };

  // A replacement's claim cannot exist at plan time: its controller makes it from the template.
  it.each<[string, Pod, KubeObject[] | undefined, string[] | string]>([
    ['a class with a provisioner', ephemeral('p', 'late'), classes(), ['a1', 'b1', 'bare']],
    ['allowedTopologies of its class', ephemeral('p', 'late-b'), classes(), ['b1']],
    ['the default class when the template names none', ephemeral('p'), [...classes(), storageClass('std', 'WaitForFirstConsumer', ['a'], { isDefault: true })], ['a1']],
    ['an Immediate class provisions once the claim is made', ephemeral('p', 'fast'), classes(), ['a1', 'b1', 'bare']],
    ['a class that cannot provision, no volume', ephemeral('p', 'local'), classes(), `0/3 nodes are available: 3 ${noVolume}.`],
    ['no class and no default', ephemeral('p'), classes(), `0/3 nodes are available: 3 ${noVolume}.`],
    ['no StorageClass in the snapshot at all', ephemeral('p'), undefined, ['a1', 'b1', 'bare']],
  ])('%s', (_t, pod, storageClasses, want) => {
    const state = buildPlacementState({ nodes: nodes(), pods: [], ...(storageClasses ? { storageClasses } : {}) });
    expect(verdict(state, pod)).toEqual(want);
    expect(assumedProvisionable(state, pod)).toEqual(storageClasses ? [] : ['ephemeral volume "scratch"']);
  });

  it("uses the pod's own claim, remakes a previous pod's, and refuses a claim it does not own", () => {
    const state = buildPlacementState({
      nodes: nodes(),
      pods: [],
      pvcs: [
        ownedClaim('own-scratch', 'own', 'uid-own', 'pv-b1'),
        ownedClaim('sts-0-scratch', 'sts-0', 'uid-old'),
        makePvc('taken-scratch', { storageClassName: 'late' }),
      ],
      pvs: [makePv('pv-b1', { nodeAffinity: { 'kubernetes.io/hostname': ['b1'] } })],
      storageClasses: classes(),
    });
    expect(verdict(state, ephemeral('own', 'late', { uid: 'uid-own' }))).toEqual(['b1']);
    // The same name, a new pod: the old claim goes with the old pod; the new one is made from the template.
    expect(verdict(state, ephemeral('sts-0', 'late-b', { uid: 'uid-new' }))).toEqual(['b1']);
    expect(verdict(state, ephemeral('sts-0', 'late-b'))).toEqual(['b1']);
    expect(verdict(state, ephemeral('taken', 'late'))).toBe('0/3 nodes are available: PVC default/taken-scratch was not created for pod default/taken (pod is not owner).');
  });
});

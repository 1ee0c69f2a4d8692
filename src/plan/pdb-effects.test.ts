import { describe, expect, it } from 'vitest';
import { buildClusterIndex } from './cluster-index.js';
import { bypassEffects, evictionEffects, PdbCache } from './pdb-effects.js';
import { SnapshotBuilder } from './testing/snapshot-builder.js';

function effects(b: SnapshotBuilder, podNames?: string[]) {
  const snap = b.build();
  const cache = new PdbCache(buildClusterIndex(snap));
  const pods = snap.pods.filter((p) => (podNames ? podNames.includes(p.metadata.name) : p.spec.nodeName === 'n1'));
  return { r: evictionEffects(pods, cache), cache, pods };
}

const web = (b = new SnapshotBuilder().node('n1').node('n2')) => b.deployment('web', { nodes: ['n1', 'n2', 'n2'] });

describe('evictionEffects', () => {
  it('computes the allowance from the spec when there is no status', () => {
    const { r } = effects(web().pdb('web', { matchLabels: { app: 'web' }, maxUnavailable: 1 }));
    expect(r.findings).toEqual([]);
    expect([...r.concurrency.values()]).toEqual([1]);
  });

  const blocking: [string, Parameters<SnapshotBuilder['pdb']>[1], string | undefined][] = [
    ['minAvailable = all pods blocks for good', { matchLabels: { app: 'web' }, minAvailable: 3 }, 'error'],
    ['maxUnavailable 0 blocks for good', { matchLabels: { app: 'web' }, maxUnavailable: 0 }, 'error'],
    ['100% blocks for good', { matchLabels: { app: 'web' }, minAvailable: '100%' }, 'error'],
    ['status says 0 while pods are unhealthy: waits', { matchLabels: { app: 'web' }, minAvailable: 2, status: { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3 } }, 'warning'],
    ['status allows 1: fine', { matchLabels: { app: 'web' }, minAvailable: 2, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } }, undefined],
    ['selector of another app: no effect', { matchLabels: { app: 'other' }, minAvailable: 3 }, undefined],
  ];
  for (const [name, pdb, severity] of blocking) {
    it(name, () => {
      const { r } = effects(web().pdb('web', pdb));
      const f = r.findings.filter((x) => x.code === 'PDB_BLOCKS');
      if (severity === undefined) expect(f).toEqual([]);
      else {
        expect(f).toHaveLength(1);
        expect(f[0]).toMatchObject({ severity, object: { kind: 'PodDisruptionBudget', name: 'web', namespace: 'default' } });
        expect(f[0]!.message).toContain('PodDisruptionBudget "default/web"');
      }
    });
  }

  it('reports pods covered by two budgets', () => {
    const { r } = effects(web().pdb('a', { matchLabels: { app: 'web' }, maxUnavailable: 1 }).pdb('b', { matchLabels: { app: 'web' }, maxUnavailable: 1 }));
    expect(r.findings.map((f) => [f.code, f.severity, f.object.kind])).toEqual([['PDB_MULTIPLE', 'error', 'Pod']]);
  });

  it('lets an unhealthy pod through an exhausted budget when healthy pods suffice', () => {
    const b = new SnapshotBuilder().node('n1').node('n2').deployment('web', { nodes: ['n2', 'n2'] }).pod('web-sick', { node: 'n1', labels: { app: 'web' }, ready: false, owner: { kind: 'ReplicaSet', name: 'web-5d8f', uid: 'uid-rs-default-web-5d8f' } });
    const { r } = effects(b.pdb('web', { matchLabels: { app: 'web' }, minAvailable: 2 }));
    expect(r.findings).toEqual([]);
  });
});

describe('bypassEffects', () => {
  it('warns when a roll meets a budget already at its limit', () => {
    const { cache, pods } = effects(web().pdb('web', { matchLabels: { app: 'web' }, minAvailable: 3 }));
    expect(bypassEffects(pods, 'roll', 3, cache).map((f) => f.code)).toEqual(['PDB_AT_LIMIT']);
    const ok = effects(web().pdb('web', { matchLabels: { app: 'web' }, minAvailable: 1 }));
    expect(bypassEffects(ok.pods, 'surge', 3, ok.cache)).toEqual([]);
  });
});

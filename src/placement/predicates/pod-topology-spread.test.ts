import { describe, expect, it } from 'vitest';
import type { V1TopologySpreadConstraint } from '@kubernetes/client-node';
import type { Node, Pod } from '../../model/k8s.js';
import { buildPlacementState } from '../placement-state.js';
import { checkPodOnNode, feasibleNodes } from '../schedule.js';
import { makeNode, makePod } from '../testing/builders.js';

const ZONE = 'topology.kubernetes.io/zone';

function spread(name: string, c: Partial<V1TopologySpreadConstraint> = {}, extra: Parameters<typeof makePod>[1] = {}): Pod {
  return makePod(name, {
    labels: { app: 'web' },
    ...extra,
    spec: {
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...c },
      ],
      ...(extra.spec ?? {}),
    },
  });
}

function web(name: string, node: string, extra: Parameters<typeof makePod>[1] = {}): Pod {
  return makePod(name, { node, labels: { app: 'web' }, ...extra });
}

const threeZones = (): Node[] => [makeNode('a1', { zone: 'a' }), makeNode('b1', { zone: 'b' }), makeNode('c1', { zone: 'c' }), makeNode('nozone')];

describe('PodTopologySpread (DoNotSchedule)', () => {
  it('only allows domains at the minimum when maxSkew is 1', () => {
    const state = buildPlacementState({ nodes: threeZones(), pods: [web('w1', 'a1'), web('w2', 'b1')] });
    expect(feasibleNodes(state, spread('w3'))).toEqual(['c1']);
    expect(checkPodOnNode(state, spread('w3'), 'a1').map((f) => f.message)).toEqual(["node(s) didn't match pod topology spread constraints"]);
    expect(checkPodOnNode(state, spread('w3'), 'nozone').map((f) => f.message)).toEqual([
      "node(s) didn't match pod topology spread constraints (missing required label)",
    ]);
  });

  it('allows more skew with a larger maxSkew', () => {
    const state = buildPlacementState({ nodes: threeZones(), pods: [web('w1', 'a1'), web('w2', 'b1')] });
    expect(feasibleNodes(state, spread('w3', { maxSkew: 2 }))).toEqual(['a1', 'b1', 'c1']);
  });

  it('does not count self when the pod does not match its own selector', () => {
    // counts a:1 b:0 c:0, minimum 0.
    const state = buildPlacementState({ nodes: threeZones(), pods: [web('w1', 'a1')] });
    expect(feasibleNodes(state, spread('w2'))).toEqual(['b1', 'c1']);
    expect(feasibleNodes(state, spread('x', {}, { labels: { app: 'other' } }))).toEqual(['a1', 'b1', 'c1']);
  });

  it('ignores terminating pods and other namespaces', () => {
    const state = buildPlacementState({
      nodes: threeZones(),
      pods: [web('w1', 'a1', { deletionTimestamp: '2026-01-01T00:00:00Z' }), web('w2', 'b1', { namespace: 'other' })],
    });
    expect(feasibleNodes(state, spread('w3'))).toEqual(['a1', 'b1', 'c1']);
  });

  it('minDomains above the number of domains makes the global minimum 0', () => {
    const state = buildPlacementState({ nodes: threeZones(), pods: [web('w1', 'a1'), web('w2', 'b1'), web('w3', 'c1')] });
    expect(feasibleNodes(state, spread('w4'))).toEqual(['a1', 'b1', 'c1']);
    expect(feasibleNodes(state, spread('w4', { minDomains: 4 }))).toEqual([]);
  });

  it('only counts domains of nodes matching the node affinity (nodeAffinityPolicy Honor)', () => {
    const nodes = [makeNode('a1', { zone: 'a', labels: { pool: 'x' } }), makeNode('b1', { zone: 'b', labels: { pool: 'x' } }), makeNode('c1', { zone: 'c' })];
    const state = buildPlacementState({ nodes, pods: [web('w1', 'a1'), web('w2', 'b1')] });
    const pod = spread('w3', {}, { spec: { nodeSelector: { pool: 'x' } } });
    expect(feasibleNodes(state, pod)).toEqual(['a1', 'b1']);
    const ignore = spread('w3', { nodeAffinityPolicy: 'Ignore' }, { spec: { nodeSelector: { pool: 'x' } } });
    expect(feasibleNodes(state, ignore)).toEqual([]);
  });

  it('counts tainted nodes unless nodeTaintsPolicy is Honor', () => {
    const nodes = [makeNode('a1', { zone: 'a' }), makeNode('b1', { zone: 'b' }), makeNode('c1', { zone: 'c', taints: [{ key: 'x', effect: 'NoSchedule' }] })];
    const state = buildPlacementState({ nodes, pods: [web('w1', 'a1'), web('w2', 'b1')] });
    expect(feasibleNodes(state, spread('w3'))).toEqual([]);
    expect(feasibleNodes(state, spread('w3', { nodeTaintsPolicy: 'Honor' }))).toEqual(['a1', 'b1']);
  });

  it('merges matchLabelKeys into the selector', () => {
    const state = buildPlacementState({
      nodes: threeZones(),
      pods: [web('old-1', 'a1', { labels: { app: 'web', hash: 'old' } }), web('old-2', 'b1', { labels: { app: 'web', hash: 'old' } })],
    });
    const pod = spread('new-1', { matchLabelKeys: ['hash'] }, { labels: { app: 'web', hash: 'new' } });
    expect(feasibleNodes(state, pod)).toEqual(['a1', 'b1', 'c1']);
  });

  it('recounts domains after a node is relabelled, added or removed (the eligible domains are cached per state)', () => {
    const state = buildPlacementState({ nodes: threeZones(), pods: [web('w1', 'a1'), web('w2', 'b1')] });
    expect(feasibleNodes(state, spread('w3'))).toEqual(['c1']);
    // c1 joins zone a: two domains, a:1 b:1, both at the minimum.
    state.upsertNode(makeNode('c1', { zone: 'a' }));
    expect(feasibleNodes(state, spread('w3'))).toEqual(['a1', 'b1', 'c1']);
    state.upsertNode(makeNode('d1', { zone: 'd' }));
    expect(feasibleNodes(state, spread('w3'))).toEqual(['d1']);
    state.removeNode('d1');
    expect(feasibleNodes(state, spread('w3'))).toEqual(['a1', 'b1', 'c1']);
    // Another pod's node selector gets its own domains, not the cached ones.
    state.upsertNode(makeNode('e1', { zone: 'e', labels: { pool: 'x' } }));
    state.upsertNode(makeNode('b1', { zone: 'b', labels: { pool: 'x' } }));
    expect(feasibleNodes(state, spread('w3'))).toEqual(['e1']);
    expect(feasibleNodes(state, spread('w3', {}, { spec: { nodeSelector: { pool: 'x' } } }))).toEqual(['e1']);
    state.assign(web('w4', 'e1'), 'e1');
    expect(feasibleNodes(state, spread('w5', {}, { spec: { nodeSelector: { pool: 'x' } } }))).toEqual(['b1', 'e1']);
    expect(feasibleNodes(state, spread('w5'))).toEqual(['a1', 'b1', 'c1', 'e1']);
  });

  it('ScheduleAnyway constraints never filter', () => {
    const state = buildPlacementState({ nodes: threeZones(), pods: [web('w1', 'a1'), web('w2', 'a1')] });
    expect(feasibleNodes(state, spread('w3', { whenUnsatisfiable: 'ScheduleAnyway' }))).toEqual(['a1', 'b1', 'c1', 'nozone']);
  });
});

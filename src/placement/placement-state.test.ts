import { describe, expect, it } from 'vitest';
import { parseSelector } from '../kube/selector.js';
import { buildPlacementState, type PlacementState } from './placement-state.js';
import type { PlacementInput } from './types.js';
import { UndoJournal } from './undo-journal.js';
import { makeNode, makePod } from './testing/builders.js';

const Gi = 1024 ** 3;

function cluster() {
  return buildPlacementState(cluster0());
}

function cluster0(): PlacementInput {
  return {
    nodes: [makeNode('b'), makeNode('a'), makeNode('c', { unschedulable: true })],
    pods: [
      makePod('web-1', { node: 'a', cpu: '500m', memory: '1Gi', labels: { app: 'web' } }),
      makePod('web-2', { node: 'b', cpu: '500m', memory: '1Gi', labels: { app: 'web' } }),
      makePod('db-1', { node: 'a', cpu: '1', labels: { app: 'db' }, namespace: 'data' }),
      makePod('done', { node: 'a', cpu: '3', phase: 'Succeeded' }),
      makePod('failed', { node: 'b', cpu: '3', phase: 'Failed' }),
      makePod('pending', { cpu: '3' }),
      makePod('elsewhere', { node: 'gone', cpu: '3' }),
      makePod('leaving', { node: 'b', cpu: '250m', deletionTimestamp: '2026-01-01T00:00:00Z' }),
    ],
  };
}

describe('buildPlacementState', () => {
  it('indexes nodes in sorted order and places only non-terminal bound pods on known nodes', () => {
    const s = cluster();
    expect(s.nodeNames()).toEqual(['a', 'b', 'c']);
    expect(s.podCount()).toBe(4);
    expect(s.nodeInfo('a')!.requested).toMatchObject({ cpuMilli: 1500, memory: Gi, pods: 2 });
    expect(s.nodeInfo('b')!.requested).toMatchObject({ cpuMilli: 750, memory: Gi, pods: 2 });
    expect(s.nodeInfo('c')!.unschedulable).toBe(true);
    expect(s.nodeOf('default/pending')).toBeUndefined();
    expect(s.nodeOf('default/leaving')).toBe('b');
    expect([...s.nodeInfo('a')!.pods.keys()].sort()).toEqual(['data/db-1', 'default/web-1']);
  });

  it('counts scoring defaults separately from real requests', () => {
    const s = buildPlacementState({ nodes: [makeNode('a')], pods: [makePod('x', { node: 'a' })] });
    expect(s.nodeInfo('a')!.requested).toMatchObject({ cpuMilli: 0, memory: 0 });
    expect(s.nodeInfo('a')!.nonZeroRequested).toMatchObject({ cpuMilli: 100, memory: 200 * 1024 ** 2 });
  });
});

describe('assign and unassign', () => {
  it('moves a pod between nodes and keeps sums right', () => {
    const s = cluster();
    const web1 = s.getPod('default/web-1')!;
    s.assign(web1, 'b');
    expect(s.nodeOf(web1)).toBe('b');
    expect(s.nodeInfo('a')!.requested.cpuMilli).toBe(1000);
    expect(s.nodeInfo('b')!.requested.cpuMilli).toBe(1250);
    expect(s.unassign(web1)).toBe(true);
    expect(s.unassign(web1)).toBe(false);
    expect(s.nodeInfo('b')!.requested.cpuMilli).toBe(750);
    expect(s.podCount()).toBe(3);
  });

  it('refuses an unknown node', () => {
    expect(() => cluster().assign(makePod('x'), 'nope')).toThrow(/node "nope"/);
  });

  it('finds candidates through the label index, per namespace', () => {
    const s = cluster();
    const names = (ns: string[], sel: string) =>
      [...s.candidatePods({ names: new Set(ns) }, parseSelector(sel))].map((p) => p.metadata.name).sort();
    expect(names(['default'], 'app=web')).toEqual(['web-1', 'web-2']);
    expect(names(['default'], 'app in (web,db)')).toEqual(['web-1', 'web-2']);
    expect(names(['default', 'data'], 'app in (web,db)')).toEqual(['db-1', 'web-1', 'web-2']);
    expect(names(['data'], 'app=web')).toEqual([]);
    // Without an Equals/In requirement every pod of the namespace is a candidate.
    expect(names(['default'], '!x')).toEqual(['leaving', 'web-1', 'web-2']);
    expect([...s.candidatePods({ all: true }, parseSelector('app'))].length).toBe(4);
    s.unassign('default/web-2');
    expect(names(['default'], 'app=web')).toEqual(['web-1']);
  });
});

describe('lazily built indexes', () => {
  it('stay current after they are built, and list nodes in name order', () => {
    const s = cluster();
    const names = (sel: string) => [...s.candidatePods({ names: new Set(['default']) }, parseSelector(sel))].map((p) => p.metadata.name).sort();
    expect(names('app=web')).toEqual(['web-1', 'web-2']);
    s.assign(makePod('web-3', { cpu: '100m', labels: { app: 'web' } }), 'b');
    s.assign(makePod('api-1', { cpu: '100m', labels: { app: 'api' } }), 'b');
    expect(names('app=web')).toEqual(['web-1', 'web-2', 'web-3']);
    expect(names('app=api')).toEqual(['api-1']);
    s.unassign('default/web-1');
    expect(names('app in (web,api)')).toEqual(['api-1', 'web-2', 'web-3']);
    expect(s.nodeInfos().map((n) => n.name)).toEqual(['a', 'b', 'c']);
    expect([...s.nodeInfo('b')!.pods.keys()]).toEqual(['default/web-2', 'default/leaving', 'default/web-3', 'default/api-1']);
    expect(s.costsOf(s.getPod('default/web-2')!).request).toMatchObject({ cpuMilli: 500, memory: Gi, pods: 1 });
  });
});

describe('undo journal', () => {
  /** Everything a query can observe, for before/after comparisons. */
  function observe(s: PlacementState) {
    const pods = (sel: string) => [...s.candidatePods({ all: true }, parseSelector(sel))].map((p) => p.metadata.name).sort();
    return {
      nodes: s.nodeInfos().map((n) => ({ name: n.name, unschedulable: n.unschedulable, requested: { ...n.requested }, nonZero: { ...n.nonZeroRequested }, pods: [...n.pods.keys()].sort() })),
      web: pods('app=web'),
      all: pods('app'),
      count: s.podCount(),
      claimUsers: [...s.claimUsers('default', 'data')].sort(),
      anti: [...s.antiAffinityGroupsFor('default')].map((g) => [...g.podKeys].sort()),
    };
  }
  const guard = makePod('guard', {
    cpu: '100m',
    labels: { app: 'guard' },
    claims: ['data'],
    spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } } },
  });

  it('rolls back assign, unassign, moves and cordons exactly, and keeps what was committed', () => {
    const journal = new UndoJournal();
    const s = buildPlacementState(cluster0(), { journal });
    // Build the lazy indexes first, so rolling back must keep them current too.
    const before = observe(s);
    s.setUnschedulable('a', true);
    s.unassign('default/web-1');
    s.assign(s.getPod('default/web-2')!, 'c');
    s.assign(guard, 'a');
    s.assign(makePod('web-3', { cpu: '1', labels: { app: 'web' } }), 'b');
    expect(observe(s)).not.toEqual(before);
    expect(journal.size).toBeGreaterThan(0);
    journal.rollback();
    expect(observe(s)).toEqual(before);
    expect(journal.size).toBe(0);

    s.assign(guard, 'b');
    journal.commit();
    const committed = observe(s);
    s.unassign('default/guard');
    journal.rollback();
    expect(observe(s)).toEqual(committed);
    expect(s.nodeOf('default/guard')).toBe('b');
  });

  it('rolls back a pod placed while building with invalid quantities without throwing', () => {
    const journal = new UndoJournal();
    const s = buildPlacementState({ nodes: [makeNode('a')], pods: [makePod('odd', { node: 'a', cpu: '1', memory: 'lots' })] }, { journal });
    s.unassign('default/odd');
    journal.rollback();
    expect(s.nodeInfo('a')!.requested.cpuMilli).toBe(1000);
  });

  it('records nothing without a journal', () => {
    const s = cluster();
    expect(s.journal).toBeUndefined();
    s.unassign('default/web-1');
    expect(s.nodeOf('default/web-1')).toBeUndefined();
  });
});

describe('nodes', () => {
  it('upserts and removes nodes', () => {
    const s = cluster();
    s.upsertNode(makeNode('a', { cpu: '8', labels: { pool: 'big' } }));
    expect(s.nodeInfo('a')!.allocatable.cpuMilli).toBe(8000);
    expect(s.nodeInfo('a')!.requested.cpuMilli).toBe(1500);
    expect(s.nodeInfo('a')!.labels.pool).toBe('big');
    s.upsertNode(makeNode('0-first'));
    expect(s.nodeNames()).toEqual(['0-first', 'a', 'b', 'c']);
    s.removeNode('a');
    expect(s.nodeNames()).toEqual(['0-first', 'b', 'c']);
    expect(s.nodeOf('default/web-1')).toBeUndefined();
    expect(s.podCount()).toBe(2);
  });
});

describe('invalid quantities', () => {
  it('are collected as problems while building, counted as 0', () => {
    const badNode = makeNode('bad');
    badNode.status!.allocatable!.cpu = 'four';
    const s = buildPlacementState({
      nodes: [badNode, makeNode('ok')],
      pods: [makePod('p', { node: 'ok', cpu: '1', memory: 'lots' }), makePod('q', { node: 'ok', cpu: '500m' })],
    });
    expect(s.problems).toEqual([
      { object: 'Node "bad"', message: expect.stringContaining('"four"') },
      { object: 'Pod "default/p"', message: expect.stringContaining('"lots"') },
    ]);
    expect(s.nodeInfo('bad')!.allocatable.cpuMilli).toBe(0);
    expect(s.nodeInfo('ok')!.requested).toMatchObject({ cpuMilli: 1500, memory: 0, pods: 2 });
  });

  it('throw a RangeError once built', () => {
    const s = buildPlacementState({ nodes: [makeNode('ok')], pods: [] });
    expect(() => s.assign(makePod('p', { cpu: '1x' }), 'ok')).toThrow(RangeError);
    expect(s.podCount()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { parseSelector } from '../kube/selector.js';
import { buildPlacementState } from './placement-state.js';
import { makeNode, makePod } from './testing/builders.js';

const Gi = 1024 ** 3;

function cluster() {
  return buildPlacementState({
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
  });
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
    expect([...s.namespacesWithPods()].sort()).toEqual(['data', 'default']);
    expect(s.nodeInfos().map((n) => n.name)).toEqual(['a', 'b', 'c']);
    expect([...s.nodeInfo('b')!.pods.keys()]).toEqual(['default/web-2', 'default/leaving', 'default/web-3', 'default/api-1']);
    expect(s.costsOf(s.getPod('default/web-2')!).request).toMatchObject({ cpuMilli: 500, memory: Gi, pods: 1 });
  });
});

describe('clone', () => {
  it('is independent in both directions', () => {
    const s = cluster();
    const c = s.clone();
    c.setUnschedulable('a', true);
    c.unassign('default/web-1');
    c.assign(makePod('new', { cpu: '2', labels: { app: 'web' } }), 'b');
    expect(s.nodeInfo('a')!.unschedulable).toBe(false);
    expect(s.nodeOf('default/web-1')).toBe('a');
    expect(s.nodeOf('default/new')).toBeUndefined();
    expect(s.nodeInfo('b')!.requested.cpuMilli).toBe(750);
    expect([...s.candidatePods({ names: new Set(['default']) }, parseSelector('app=web'))]).toHaveLength(2);

    s.unassign('default/web-2');
    expect(c.nodeOf('default/web-2')).toBe('b');
    expect(c.nodeInfo('b')!.requested.cpuMilli).toBe(2750);
    expect([...c.candidatePods({ names: new Set(['default']) }, parseSelector('app=web'))].map((p) => p.metadata.name).sort()).toEqual([
      'new',
      'web-2',
    ]);
  });

  it('supports clones of clones', () => {
    const s = cluster();
    const c1 = s.clone();
    const c2 = c1.clone();
    c2.unassign('default/web-1');
    c1.assign(makePod('x', { cpu: '1' }), 'a');
    expect(s.podCount()).toBe(4);
    expect(c1.podCount()).toBe(5);
    expect(c2.podCount()).toBe(3);
    expect(s.nodeInfo('a')!.requested.cpuMilli).toBe(1500);
    expect(c1.nodeInfo('a')!.requested.cpuMilli).toBe(2500);
    expect(c2.nodeInfo('a')!.requested.cpuMilli).toBe(1000);
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

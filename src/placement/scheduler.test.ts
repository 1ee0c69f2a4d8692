import { describe, expect, it } from 'vitest';
import { buildPlacementState } from './placement-state.js';
import { scheduleOne } from './schedule.js';
import { numFeasibleNodesToFind, Scheduler } from './scheduler.js';
import { makeNode, makePod } from './testing/builders.js';
import { UndoJournal } from './undo-journal.js';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => makeNode(`n-${String(i).padStart(4, '0')}`, { cpu: '2' }));

describe('numFeasibleNodesToFind', () => {
  it('follows kube-scheduler: all below 100, adaptive percentage above, at least 100', () => {
    expect([10, 99, 100, 500, 5000, 20000].map((n) => numFeasibleNodesToFind(n))).toEqual([10, 99, 100, 230, 500, 1000]);
  });

  it('honours a configured percentageOfNodesToScore', () => {
    expect([50, 1000, 5000].map((n) => numFeasibleNodesToFind(n, 10))).toEqual([50, 100, 500]);
    expect(numFeasibleNodesToFind(5000, 100)).toBe(5000);
  });
});

describe('Scheduler', () => {
  it('is exactly scheduleOne on small clusters', () => {
    const state = buildPlacementState({ nodes: nodes(5), pods: [makePod('a', { node: 'n-0000', cpu: '1' })] });
    const pod = makePod('b', { cpu: '1500m' });
    expect(new Scheduler().schedule(state, pod)).toEqual(scheduleOne(state, pod));
  });

  it('examines about numFeasibleNodesToFind nodes per pod on large clusters and rotates its start', () => {
    const state = buildPlacementState({ nodes: nodes(2000), pods: [] });
    const s = new Scheduler();
    const chosen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const pod = makePod(`p-${i}`, { cpu: '100m' });
      const r = s.schedule(state, pod);
      expect(r.node).toBeDefined();
      state.assign(pod, r.node!);
      chosen.add(r.node!);
    }
    expect(s.nodesExamined).toBe(10 * numFeasibleNodesToFind(2000));
    expect(chosen.size).toBe(10);
  });

  it('scores every node with percentageOfNodesToScore 100', () => {
    const state = buildPlacementState({ nodes: nodes(300), pods: [] });
    const s = new Scheduler({ percentageOfNodesToScore: 100 });
    s.schedule(state, makePod('p', { cpu: '100m' }));
    expect(s.nodesExamined).toBe(300);
  });

  it('words failures like scheduleOne when nothing fits', () => {
    const state = buildPlacementState({ nodes: nodes(150), pods: [] });
    const pod = makePod('big', { cpu: '3' });
    const r = new Scheduler().schedule(state, pod);
    expect(r.node).toBeUndefined();
    expect(r.message).toBe('0/150 nodes are available: 150 Insufficient cpu.');
    expect(r).toEqual(scheduleOne(state, pod));
  });

  it('restores its rotation when the journal of the state it scheduled on rolls back', () => {
    const journal = new UndoJournal();
    const state = buildPlacementState({ nodes: nodes(400), pods: [] }, { journal });
    const s = new Scheduler();
    const placeThree = () =>
      [0, 1, 2].map((i) => {
        const pod = makePod(`p-${i}`, { cpu: '100m' });
        const node = s.schedule(state, pod).node!;
        state.assign(pod, node);
        return node;
      });
    const first = placeThree();
    journal.rollback();
    expect(state.podCount()).toBe(0);
    expect(placeThree()).toEqual(first);
    journal.commit();
    // Committed: the rotation moves on, so the same pods land elsewhere.
    for (let i = 0; i < 3; i++) state.unassign(`default/p-${i}`);
    expect(placeThree()).not.toEqual(first);
  });
});

describe('Scheduler: system-default spreading weight', () => {
  // A replica of web runs on a; b is busier (3 of 4 cpu). kube-scheduler weighs the hostname
  // spread by the nodes that passed the filters (a and b: log(2 + 2)), so the spread penalty of
  // a is smaller than b's resource penalty and a wins. Weighed by all ten nodes (the eight
  // cordoned ones too, log(10 + 2)) b would win. Found by bench:fidelity on the real
  // kube-scheduler during drains, where the drained nodes are cordoned.
  it('counts only the nodes that passed the filters, not cordoned ones', () => {
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1' };
    const cordoned = Array.from({ length: 8 }, (_, i) => makeNode(`c${i}`, { cpu: '4', unschedulable: true }));
    const state = buildPlacementState({
      nodes: [makeNode('a', { cpu: '4' }), makeNode('b', { cpu: '4' }), ...cordoned],
      pods: [makePod('web-x', { node: 'a', cpu: '100m', labels: { app: 'web' }, owner }), makePod('big', { node: 'b', cpu: '3' })],
    });
    expect(new Scheduler().schedule(state, makePod('web-y', { cpu: '100m', labels: { app: 'web' }, owner })).node).toBe('a');
  });
});

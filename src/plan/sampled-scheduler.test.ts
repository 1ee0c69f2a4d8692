import { describe, expect, it } from 'vitest';
import { buildPlacementState } from '../placement/placement-state.js';
import { scheduleOne } from '../placement/schedule.js';
import { makeNode, makePod } from '../placement/testing/builders.js';
import { numFeasibleNodesToFind, SampledScheduler } from './sampled-scheduler.js';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => makeNode(`n-${String(i).padStart(4, '0')}`, { cpu: '2' }));

describe('numFeasibleNodesToFind', () => {
  it('follows kube-scheduler: all below 100, adaptive percentage above, at least 100', () => {
    expect([10, 99, 100, 500, 5000, 20000].map(numFeasibleNodesToFind)).toEqual([10, 99, 100, 230, 500, 1000]);
  });
});

describe('SampledScheduler', () => {
  it('is exactly scheduleOne on small clusters', () => {
    const state = buildPlacementState({ nodes: nodes(5), pods: [makePod('a', { node: 'n-0000', cpu: '1' })] });
    const pod = makePod('b', { cpu: '1500m' });
    expect(new SampledScheduler().schedule(state, pod)).toEqual(scheduleOne(state, pod));
  });

  it('examines about numFeasibleNodesToFind nodes per pod on large clusters and rotates its start', () => {
    const state = buildPlacementState({ nodes: nodes(2000), pods: [] });
    const s = new SampledScheduler();
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

  it('words failures like scheduleOne when nothing fits', () => {
    const state = buildPlacementState({ nodes: nodes(150), pods: [] });
    const pod = makePod('big', { cpu: '3' });
    const r = new SampledScheduler().schedule(state, pod);
    expect(r.node).toBeUndefined();
    expect(r.message).toBe('0/150 nodes are available: 150 Insufficient cpu.');
  });
});

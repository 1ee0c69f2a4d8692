import { describe, expect, it } from 'vitest';
import { buildPlacementState } from './placement-state.js';
import { rwoConflict } from './rwo-conflict.js';
import { makeNode, makePod, makePvc } from './testing/builders.js';

describe('rwoConflict', () => {
  const state = buildPlacementState({
    nodes: [makeNode('a'), makeNode('b')],
    pods: [
      makePod('old', { node: 'a', claims: ['data'] }),
      makePod('shared-user', { node: 'a', claims: ['shared'] }),
      makePod('done', { node: 'b', claims: ['batch'], phase: 'Succeeded' }),
    ],
    pvcs: [makePvc('data'), makePvc('shared', { accessModes: ['ReadWriteMany'] }), makePvc('batch'), makePvc('mixed', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] })],
  });

  it('finds another pod using the RWO claim on a different node', () => {
    expect(rwoConflict(state, makePod('new', { claims: ['data'] }), 'b')).toEqual({ claim: 'data', otherPod: 'default/old', otherNode: 'a' });
  });

  it.each([
    ['the same node', makePod('new', { claims: ['data'] }), 'a'],
    ['a ReadWriteMany claim', makePod('new', { claims: ['shared'] }), 'b'],
    ['a claim only terminal pods used', makePod('new', { claims: ['batch'] }), 'a'],
    ['a claim nobody uses', makePod('new', { claims: ['mixed'] }), 'b'],
    ['the pod itself', makePod('old', { claims: ['data'] }), 'b'],
    ['no claims', makePod('new'), 'b'],
  ])('no conflict for %s', (_t, pod, node) => {
    expect(rwoConflict(state, pod, node)).toBeUndefined();
  });

  it('sees the conflict disappear once the old pod is gone', () => {
    const s = state.clone();
    s.unassign('default/old');
    expect(rwoConflict(s, makePod('new', { claims: ['data'] }), 'b')).toBeUndefined();
    expect(rwoConflict(state, makePod('new', { claims: ['data'] }), 'b')).toBeDefined();
  });
});

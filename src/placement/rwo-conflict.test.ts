import { describe, expect, it } from 'vitest';
import { buildPlacementState } from './placement-state.js';
import { isSingleNodeClaim, rwoConflict } from './rwo-conflict.js';
import { makeNode, makePod, makePv, makePvc } from './testing/builders.js';

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
    const s = buildPlacementState({ nodes: [makeNode('a'), makeNode('b')], pods: [makePod('old', { node: 'a', claims: ['data'] })], pvcs: [makePvc('data')] });
    expect(rwoConflict(s, makePod('new', { claims: ['data'] }), 'b')).toBeDefined();
    s.unassign('default/old');
    expect(rwoConflict(s, makePod('new', { claims: ['data'] }), 'b')).toBeUndefined();
  });

  it('counts a ReadWriteOncePod claim as single-node too', () => {
    const s = buildPlacementState({ nodes: [makeNode('a'), makeNode('b')], pods: [makePod('old', { node: 'a', claims: ['solo'] })], pvcs: [makePvc('solo', { accessModes: ['ReadWriteOncePod'] })] });
    expect(rwoConflict(s, makePod('new', { claims: ['solo'] }), 'b')).toEqual({ claim: 'solo', otherPod: 'default/old', otherNode: 'a' });
  });
});

describe('isSingleNodeClaim (the one ReadWriteOnce rule of planner and kubelet)', () => {
  const pvc = (accessModes: string[]) => makePvc('c', { accessModes });
  it.each<[string[], string[] | undefined, boolean]>([
    [['ReadWriteOnce'], undefined, true],
    [['ReadWriteOncePod'], undefined, true],
    [['ReadWriteOnce', 'ReadWriteOncePod'], undefined, true],
    [['ReadWriteMany'], undefined, false],
    [['ReadWriteOnce', 'ReadOnlyMany'], undefined, false],
    [[], undefined, false],
    // The bound volume's modes decide, as the attach/detach controller reads them.
    [['ReadWriteOnce'], ['ReadWriteMany'], false],
    [['ReadWriteMany'], ['ReadWriteOnce'], true],
    [['ReadWriteOnce'], [], true],
  ])('claim %j, volume %j → %s', (claimModes, pvModes, want) => {
    expect(isSingleNodeClaim(pvc(claimModes), pvModes === undefined ? undefined : makePv('v', { accessModes: pvModes }))).toBe(want);
  });
});

import { describe, expect, it } from 'vitest';
import type { V1Toleration } from '@kubernetes/client-node';
import { buildPlacementState } from '../placement-state.js';
import { checkPodOnNode } from '../schedule.js';
import { makeNode, makePod } from '../testing/builders.js';
import { firstUntoleratedTaint, toleratesTaint } from './taint-toleration.js';

const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('toleratesTaint', () => {
  it.each<[string, V1Toleration, boolean]>([
    ['Equal with same key, value, effect', { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    ['no operator means Equal', { key: 'dedicated', value: 'gpu' }, true],
    ['Equal with another value', { key: 'dedicated', operator: 'Equal', value: 'cpu' }, false],
    ['Equal with no value against a valued taint', { key: 'dedicated', operator: 'Equal' }, false],
    ['Exists ignores the value', { key: 'dedicated', operator: 'Exists' }, true],
    ['Exists with empty key tolerates everything', { operator: 'Exists' }, true],
    ['empty key skips the key check, as upstream (validation forbids it)', { operator: 'Equal', value: 'gpu' }, true],
    ['effect must match when given', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    ['empty effect matches any effect', { key: 'dedicated', operator: 'Exists', effect: '' }, true],
    ['other key', { key: 'other', operator: 'Exists' }, false],
    ['unknown operator', { key: 'dedicated', operator: 'Gt', value: 'gpu' }, false],
  ])('%s', (_t, toleration, want) => {
    expect(toleratesTaint(toleration, taint)).toBe(want);
  });

  it('an Equal toleration without value matches a taint without value', () => {
    expect(toleratesTaint({ key: 'k', operator: 'Equal' }, { key: 'k', effect: 'NoSchedule' })).toBe(true);
  });

  it('ignores PreferNoSchedule taints when filtering', () => {
    expect(firstUntoleratedTaint([], [{ key: 'a', effect: 'PreferNoSchedule' }])).toBeUndefined();
    expect(firstUntoleratedTaint([], [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'NoExecute' }])?.key).toBe('b');
  });
});

describe('TaintToleration and NodeUnschedulable filters', () => {
  const state = buildPlacementState({
    nodes: [
      makeNode('tainted', { taints: [taint] }),
      makeNode('evicting', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] }),
      makeNode('soft', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }),
      makeNode('cordoned', { unschedulable: true }),
    ],
    pods: [],
  });

  it.each<[string, V1Toleration[], string, string[]]>([
    ['no tolerations on a tainted node', [], 'tainted', ['node(s) had untolerated taint(s)']],
    ['tolerated', [{ key: 'dedicated', operator: 'Exists' }], 'tainted', []],
    ['NoExecute taint', [], 'evicting', ['node(s) had untolerated taint(s)']],
    ['PreferNoSchedule only scores', [], 'soft', []],
    ['cordoned', [], 'cordoned', ['node(s) were unschedulable']],
    ['tolerates the unschedulable taint', [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }], 'cordoned', []],
    ['tolerates everything', [{ operator: 'Exists' }], 'cordoned', []],
    ['tolerates only NoExecute', [{ operator: 'Exists', effect: 'NoExecute' }], 'cordoned', ['node(s) were unschedulable']],
  ])('%s', (_t, tolerations, node, want) => {
    const failures = checkPodOnNode(state, makePod('p', { spec: { tolerations } }), node);
    expect(failures.map((f) => f.message)).toEqual(want);
  });
});

import { describe, expect, it } from 'vitest';
import type { V1NodeSelectorRequirement, V1NodeSelectorTerm } from '@kubernetes/client-node';
import { compileNodeSelector, compilePodNodeConstraints, pinnedNodeNames } from '../node-selector.js';
import { buildPlacementState } from '../placement-state.js';
import { checkPodOnNode, feasibleNodes, scheduleOne } from '../schedule.js';
import { makeNode, makePod } from '../testing/builders.js';

const node = { name: 'node-1', labels: { zone: 'a', gen: '5', disk: 'ssd' } };

function expr(key: string, operator: string, values?: string[]): V1NodeSelectorRequirement {
  return { key, operator, ...(values ? { values } : {}) };
}

describe('node selector terms', () => {
  it.each<[string, V1NodeSelectorTerm[], boolean]>([
    ['In', [{ matchExpressions: [expr('zone', 'In', ['a', 'b'])] }], true],
    ['In miss', [{ matchExpressions: [expr('zone', 'In', ['b'])] }], false],
    ['NotIn', [{ matchExpressions: [expr('zone', 'NotIn', ['b'])] }], true],
    ['NotIn on a missing label', [{ matchExpressions: [expr('rack', 'NotIn', ['r1'])] }], true],
    ['Exists', [{ matchExpressions: [expr('disk', 'Exists')] }], true],
    ['DoesNotExist', [{ matchExpressions: [expr('disk', 'DoesNotExist')] }], false],
    ['Gt', [{ matchExpressions: [expr('gen', 'Gt', ['4'])] }], true],
    ['Gt equal', [{ matchExpressions: [expr('gen', 'Gt', ['5'])] }], false],
    ['Lt', [{ matchExpressions: [expr('gen', 'Lt', ['6'])] }], true],
    ['Gt on a non-integer label', [{ matchExpressions: [expr('zone', 'Gt', ['1'])] }], false],
    ['Gt with an invalid value never matches', [{ matchExpressions: [expr('gen', 'Gt', ['x'])] }], false],
    ['expressions AND', [{ matchExpressions: [expr('zone', 'In', ['a']), expr('disk', 'In', ['hdd'])] }], false],
    ['terms OR', [{ matchExpressions: [expr('zone', 'In', ['b'])] }, { matchExpressions: [expr('disk', 'In', ['ssd'])] }], true],
    ['matchFields name', [{ matchFields: [expr('metadata.name', 'In', ['node-1'])] }], true],
    ['matchFields NotIn', [{ matchFields: [expr('metadata.name', 'NotIn', ['node-1'])] }], false],
    ['matchFields on another field', [{ matchFields: [expr('spec.x', 'In', ['node-1'])] }], false],
    ['an empty term matches nothing', [{}], false],
    ['no terms match nothing', [], false],
    ['an invalid term is skipped, others still count', [{ matchExpressions: [expr('zone', 'Bogus')] }, { matchExpressions: [expr('zone', 'In', ['a'])] }], true],
    ['In without values is invalid', [{ matchExpressions: [expr('zone', 'In', [])] }], false],
    // An invalid label value or key makes the term match nothing, as labels.NewRequirement fails it.
    ['In with an invalid label value', [{ matchExpressions: [expr('zone', 'In', ['a', 'not a value'])] }], false],
    ['NotIn with an invalid label value', [{ matchExpressions: [expr('rack', 'NotIn', ['-r1'])] }], false],
    ['a value longer than 63 characters', [{ matchExpressions: [expr('rack', 'NotIn', ['r'.repeat(64)])] }], false],
    ['an invalid label key', [{ matchExpressions: [expr('bad key', 'DoesNotExist')] }], false],
    ['an invalid prefix', [{ matchExpressions: [expr('Example.com/disk', 'Exists')] }], false],
    ['a valid prefixed key', [{ matchExpressions: [expr('example.com/disk', 'DoesNotExist')] }], true],
    ['the empty value is a valid value', [{ matchExpressions: [expr('rack', 'NotIn', [''])] }], true],
    ['Gt with a signed value is not a label value', [{ matchExpressions: [expr('gen', 'Gt', ['+4'])] }], false],
    ['Gt beyond int64', [{ matchExpressions: [expr('gen', 'Lt', ['99999999999999999999'])] }], false],
    ['an invalid term beside a matching one', [{ matchExpressions: [expr('zone', 'In', ['a!'])] }, { matchExpressions: [expr('disk', 'In', ['ssd'])] }], true],
    ['an invalid requirement fails its term even when others match', [{ matchExpressions: [expr('zone', 'In', ['a']), expr('disk', 'NotIn', ['s s'])] }], false],
    ['matchFields In needs exactly one value', [{ matchFields: [expr('metadata.name', 'In', ['node-1', 'node-2'])] }], false],
    ['matchFields NotIn on another field reads ""', [{ matchFields: [expr('spec.x', 'NotIn', ['node-1'])] }], true],
  ])('%s', (_t, terms, want) => {
    expect(compileNodeSelector({ nodeSelectorTerms: terms })(node)).toBe(want);
  });
});

describe('pod node constraints', () => {
  it('ANDs nodeSelector with required affinity', () => {
    const pod = makePod('p', {
      spec: {
        nodeSelector: { disk: 'ssd' },
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr('zone', 'In', ['b'])] }] } } },
      },
    });
    expect(compilePodNodeConstraints(pod)(node)).toBe(false);
    expect(compilePodNodeConstraints(pod)({ name: 'x', labels: { disk: 'ssd', zone: 'b' } })).toBe(true);
    expect(compilePodNodeConstraints(makePod('free'))(node)).toBe(true);
  });

  it('reports the kube-scheduler reason', () => {
    const state = buildPlacementState({ nodes: [makeNode('a', { labels: { disk: 'hdd' } })], pods: [] });
    const failures = checkPodOnNode(state, makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }), 'a');
    expect(failures).toEqual([{ predicate: 'NodeAffinity', message: "node(s) didn't match Pod's node affinity/selector", unresolvable: true }]);
  });

  it('finds the nodes a DaemonSet-style pod is pinned to', () => {
    const pinned = (terms: V1NodeSelectorTerm[]) =>
      pinnedNodeNames(makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } } }));
    expect(pinned([{ matchFields: [expr('metadata.name', 'In', ['n1'])] }])).toEqual(new Set(['n1']));
    expect(pinned([{ matchFields: [expr('metadata.name', 'In', ['n1'])] }, { matchFields: [expr('metadata.name', 'In', ['n2'])] }])).toEqual(new Set(['n1', 'n2']));
    expect(pinned([{ matchFields: [expr('metadata.name', 'In', ['n1'])] }, { matchExpressions: [expr('zone', 'Exists')] }])).toBeUndefined();
    expect(pinned([{ matchFields: [expr('metadata.name', 'In', ['n1']), expr('metadata.name', 'In', ['n2'])] }])).toEqual(new Set());
    expect(pinnedNodeNames(makePod('p'))).toBeUndefined();
  });
});

describe('required node affinity with an invalid label value', () => {
  it('matches no node, so the pod is unschedulable with the NodeAffinity reason', () => {
    const state = buildPlacementState({ nodes: [makeNode('a', { zone: 'a' }), makeNode('b', { zone: 'b' })], pods: [] });
    const affinity = (values: string[]) => ({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr('topology.kubernetes.io/zone', 'NotIn', values)] }] } },
    });
    expect(feasibleNodes(state, makePod('ok', { spec: { affinity: affinity(['b']) } }))).toEqual(['a']);
    const r = scheduleOne(state, makePod('bad', { spec: { affinity: affinity(['b', 'zone b']) } }));
    expect(r.node).toBeUndefined();
    expect(r.message).toBe("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.");
  });
});

import { describe, expect, it } from 'vitest';
import type { V1PodAffinityTerm } from '@kubernetes/client-node';
import type { Pod } from '../../model/k8s.js';
import { buildPlacementState } from '../placement-state.js';
import { checkPodOnNode, feasibleNodes } from '../schedule.js';
import { UndoJournal } from '../undo-journal.js';
import { makeNamespace, makeNode, makePod } from '../testing/builders.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

function nodes() {
  return [makeNode('a1', { zone: 'a' }), makeNode('a2', { zone: 'a' }), makeNode('b1', { zone: 'b' }), makeNode('nozone')];
}

function withAffinity(name: string, opts: { affinity?: V1PodAffinityTerm[]; anti?: V1PodAffinityTerm[]; labels?: Record<string, string>; namespace?: string; node?: string }): Pod {
  return makePod(name, {
    labels: opts.labels,
    namespace: opts.namespace,
    node: opts.node,
    spec: {
      affinity: {
        ...(opts.affinity ? { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: opts.affinity } } : {}),
        ...(opts.anti ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: opts.anti } } : {}),
      },
    },
  });
}

const term = (app: string, topologyKey: string, extra: Partial<V1PodAffinityTerm> = {}): V1PodAffinityTerm => ({
  labelSelector: { matchLabels: { app } },
  topologyKey,
  ...extra,
});

describe('required pod affinity', () => {
  const state = buildPlacementState({
    nodes: nodes(),
    pods: [makePod('cache-1', { node: 'a1', labels: { app: 'cache' } }), makePod('other-ns', { node: 'b1', labels: { app: 'cache' }, namespace: 'x' })],
    namespaces: [makeNamespace('default'), makeNamespace('x', { team: 'blue' })],
  });

  it('lands in the zone of a matching pod, same namespace by default', () => {
    expect(feasibleNodes(state, withAffinity('web', { affinity: [term('cache', ZONE)] }))).toEqual(['a1', 'a2']);
    expect(feasibleNodes(state, withAffinity('web', { affinity: [term('cache', HOST)] }))).toEqual(['a1']);
  });

  it('looks in listed namespaces and namespaceSelector matches', () => {
    expect(feasibleNodes(state, withAffinity('web', { affinity: [term('cache', ZONE, { namespaces: ['x'] })] }))).toEqual(['b1']);
    expect(feasibleNodes(state, withAffinity('web', { affinity: [term('cache', ZONE, { namespaceSelector: { matchLabels: { team: 'blue' } } })] }))).toEqual(['b1']);
    expect(feasibleNodes(state, withAffinity('web', { affinity: [term('cache', ZONE, { namespaceSelector: {} })] }))).toEqual(['a1', 'a2', 'b1']);
  });

  it('fails with the kube-scheduler reason, and on nodes without the topology label', () => {
    const pod = withAffinity('web', { affinity: [term('cache', ZONE)] });
    expect(checkPodOnNode(state, pod, 'b1').map((f) => f.message)).toEqual(["node(s) didn't match pod affinity rules"]);
    expect(checkPodOnNode(state, pod, 'nozone').map((f) => f.message)).toEqual(["node(s) didn't match pod affinity rules"]);
  });

  it('lets the first pod of a self-affine group in (nodes with the topology key only)', () => {
    const first = withAffinity('q-1', { labels: { app: 'queue' }, affinity: [term('queue', ZONE)] });
    expect(feasibleNodes(state, first)).toEqual(['a1', 'a2', 'b1']);
    const notSelf = withAffinity('q-1', { labels: { app: 'other' }, affinity: [term('queue', ZONE)] });
    expect(feasibleNodes(state, notSelf)).toEqual([]);
  });

  it('a null label selector matches nothing', () => {
    expect(feasibleNodes(state, withAffinity('web', { affinity: [{ topologyKey: ZONE }] }))).toEqual([]);
  });

  it('merges matchLabelKeys from the incoming pod', () => {
    const s = buildPlacementState({
      nodes: nodes(),
      pods: [makePod('c1', { node: 'a1', labels: { app: 'cache', track: 'canary' } }), makePod('c2', { node: 'b1', labels: { app: 'cache', track: 'stable' } })],
    });
    const pod = withAffinity('web', { labels: { track: 'stable' }, affinity: [term('cache', HOST, { matchLabelKeys: ['track'] })] });
    expect(feasibleNodes(s, pod)).toEqual(['b1']);
    const mismatch = withAffinity('web', { labels: { track: 'stable' }, affinity: [term('cache', HOST, { mismatchLabelKeys: ['track'] })] });
    expect(feasibleNodes(s, mismatch)).toEqual(['a1']);
  });
});

describe('required pod anti-affinity', () => {
  it('keeps replicas apart per host and per zone', () => {
    const state = buildPlacementState({ nodes: nodes(), pods: [makePod('web-1', { node: 'a1', labels: { app: 'web' } })] });
    const host = withAffinity('web-2', { labels: { app: 'web' }, anti: [term('web', HOST)] });
    expect(feasibleNodes(state, host)).toEqual(['a2', 'b1', 'nozone']);
    expect(checkPodOnNode(state, host, 'a1').map((f) => f.message)).toEqual(["node(s) didn't match pod anti-affinity rules"]);
    const zone = withAffinity('web-2', { labels: { app: 'web' }, anti: [term('web', ZONE)] });
    expect(feasibleNodes(state, zone)).toEqual(['b1', 'nozone']);
  });

  it('honours placed pods whose anti-affinity rejects the incoming pod', () => {
    const state = buildPlacementState({
      nodes: nodes(),
      pods: [withAffinity('loner', { node: 'a1', labels: { app: 'loner' }, anti: [term('web', ZONE)] })],
    });
    const web = makePod('web-1', { labels: { app: 'web' } });
    expect(feasibleNodes(state, web)).toEqual(['b1', 'nozone']);
    expect(checkPodOnNode(state, web, 'a2').map((f) => f.message)).toEqual(["node(s) didn't satisfy existing pods anti-affinity rules"]);
    // Only pods in the term's namespaces count.
    expect(feasibleNodes(state, makePod('web-1', { labels: { app: 'web' }, namespace: 'other' }))).toEqual(['a1', 'a2', 'b1', 'nozone']);
  });

  it("evaluates a placed pod's namespaceSelector against the incoming pod's namespace labels", () => {
    const state = buildPlacementState({
      nodes: nodes(),
      pods: [withAffinity('loner', { node: 'a1', labels: { app: 'loner' }, anti: [term('web', HOST, { namespaceSelector: { matchLabels: { team: 'blue' } } })] })],
      namespaces: [makeNamespace('blue-ns', { team: 'blue' }), makeNamespace('red-ns', { team: 'red' })],
    });
    expect(checkPodOnNode(state, makePod('w', { labels: { app: 'web' }, namespace: 'blue-ns' }), 'a1')).toHaveLength(1);
    expect(checkPodOnNode(state, makePod('w', { labels: { app: 'web' }, namespace: 'red-ns' }), 'a1')).toHaveLength(0);
  });

  it('groups identical terms of many replicas and still counts each node', () => {
    const replicas = ['a1', 'a2', 'b1'].map((n, i) => withAffinity(`r-${i}`, { node: n, labels: { app: 'r' }, anti: [term('r', HOST)] }));
    const state = buildPlacementState({ nodes: nodes(), pods: replicas });
    expect(feasibleNodes(state, withAffinity('r-3', { labels: { app: 'r' }, anti: [term('r', HOST)] }))).toEqual(['nozone']);
    state.unassign(replicas[1]!);
    expect(feasibleNodes(state, withAffinity('r-3', { labels: { app: 'r' }, anti: [term('r', HOST)] }))).toEqual(['a2', 'nozone']);
  });

  it('a pod checked against its own node does not conflict with itself', () => {
    const self = withAffinity('r-0', { node: 'a1', labels: { app: 'r' }, anti: [term('r', HOST)] });
    const state = buildPlacementState({ nodes: nodes(), pods: [self] });
    expect(checkPodOnNode(state, self, 'a1')).toEqual([]);
  });
});

describe("placed pods' anti-affinity across namespaces", () => {
  it('applies a term to the namespaces it lists and to no other', () => {
    const state = buildPlacementState({
      nodes: nodes(),
      pods: [withAffinity('guard', { node: 'a1', namespace: 'x', labels: { app: 'guard' }, anti: [term('web', HOST, { namespaces: ['default', 'y'] })] })],
      namespaces: [makeNamespace('default'), makeNamespace('x'), makeNamespace('y'), makeNamespace('z')],
    });
    const web = (ns: string): Pod => makePod('web', { namespace: ns, labels: { app: 'web' } });
    expect(feasibleNodes(state, web('default'))).toEqual(['a2', 'b1', 'nozone']);
    expect(feasibleNodes(state, web('y'))).toEqual(['a2', 'b1', 'nozone']);
    expect(feasibleNodes(state, web('x'))).toEqual(['a1', 'a2', 'b1', 'nozone']);
    expect(feasibleNodes(state, web('z'))).toEqual(['a1', 'a2', 'b1', 'nozone']);
    // A guard placed and then rolled back leaves no trace.
    const journal = new UndoJournal();
    const copy = buildPlacementState(
      {
        nodes: nodes(),
        pods: [withAffinity('guard', { node: 'a1', namespace: 'x', labels: { app: 'guard' }, anti: [term('web', HOST, { namespaces: ['default', 'y'] })] })],
        namespaces: [makeNamespace('default'), makeNamespace('x'), makeNamespace('y'), makeNamespace('z')],
      },
      { journal },
    );
    copy.assign(withAffinity('guard-2', { node: 'b1', namespace: 'z', labels: { app: 'guard' }, anti: [term('web', HOST)] }), 'b1');
    expect(feasibleNodes(copy, web('z'))).toEqual(['a1', 'a2', 'nozone']);
    journal.rollback();
    expect(feasibleNodes(copy, web('z'))).toEqual(['a1', 'a2', 'b1', 'nozone']);
    copy.assign(withAffinity('guard-2', { node: 'b1', namespace: 'z', labels: { app: 'guard' }, anti: [term('web', HOST)] }), 'b1');
    copy.unassign('z/guard-2');
    expect(feasibleNodes(copy, web('z'))).toEqual(['a1', 'a2', 'b1', 'nozone']);
  });
});

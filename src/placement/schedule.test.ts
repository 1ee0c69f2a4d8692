import { describe, expect, it } from 'vitest';
import type { Pod } from '../model/k8s.js';
import { buildPlacementState } from './placement-state.js';
import { checkPodOnNode, fitErrorMessage, scheduleOne, withoutNodeName } from './schedule.js';
import { UndoJournal } from './undo-journal.js';
import { makeNode, makePod } from './testing/builders.js';

function dsPod(name: string, node: string, extra: Partial<Pod['spec']> = {}): Pod {
  return makePod(name, {
    owner: { kind: 'DaemonSet', name: 'agent' },
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] },
        },
      },
      ...extra,
    },
  });
}

describe('scheduleOne messages', () => {
  const state = buildPlacementState({
    nodes: [
      makeNode('a', { cpu: '1' }),
      makeNode('b', { cpu: '1' }),
      makeNode('c', { unschedulable: true }),
      makeNode('d', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
    ],
    pods: [makePod('x', { node: 'a', cpu: '800m' }), makePod('y', { node: 'b', cpu: '800m' })],
  });

  it("summarises like kube-scheduler's FitError, reasons sorted", () => {
    const r = scheduleOne(state, makePod('p', { cpu: '500m' }));
    expect(r.node).toBeUndefined();
    expect(r.message).toBe('0/4 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable, 2 Insufficient cpu.');
    expect(r.failures.a).toEqual([{ predicate: 'NodeResourcesFit', message: 'Insufficient cpu' }]);
    expect(Object.keys(r.failures).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('counts each reason of a node (cpu and memory) separately', () => {
    const r = scheduleOne(state, makePod('p', { cpu: '500m', memory: '100Gi', spec: { tolerations: [{ operator: 'Exists' }] } }));
    expect(r.message).toBe('0/4 nodes are available: 2 Insufficient cpu, 4 Insufficient memory.');
  });

  it('picks a node and leaves the state alone', () => {
    const r = scheduleOne(state, makePod('p', { cpu: '100m' }));
    expect(r.node).toMatch(/^[ab]$/);
    expect(r.message).toBe('');
    expect(state.podCount()).toBe(2);
  });

  it('says so when there are no nodes', () => {
    expect(scheduleOne(buildPlacementState({ nodes: [], pods: [] }), makePod('p')).message).toBe('no nodes available to schedule pods');
  });

  it('counts only the pinned node for DaemonSet pods', () => {
    const r = scheduleOne(state, dsPod('agent-c', 'c'));
    expect(r.message).toBe('0/4 nodes are available: 1 node(s) were unschedulable.');
    expect(scheduleOne(state, dsPod('agent-c', 'c', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] })).node).toBe('c');
    expect(scheduleOne(state, dsPod('agent-zz', 'zz')).message).toBe('0/4 nodes are available:');
  });

  it('fitErrorMessage sorts as strings (count included)', () => {
    const per = new Map([
      ['n1', [{ predicate: 'NodeResourcesFit' as const, message: 'Insufficient cpu' }]],
      ['n2', [{ predicate: 'NodeUnschedulable' as const, message: 'node(s) were unschedulable' }]],
    ]);
    for (let i = 3; i <= 12; i++) per.set(`n${i}`, [{ predicate: 'NodeUnschedulable', message: 'node(s) were unschedulable' }]);
    expect(fitErrorMessage(12, per, [])).toBe('0/12 nodes are available: 1 Insufficient cpu, 11 node(s) were unschedulable.');
  });
});

describe('checkPodOnNode', () => {
  const state = buildPlacementState({ nodes: [makeNode('a', { cpu: '1', unschedulable: true })], pods: [makePod('big', { node: 'a', cpu: '1' })] });

  it('stops at the first failing predicate by default, like kube-scheduler', () => {
    expect(checkPodOnNode(state, makePod('p', { cpu: '1' }), 'a').map((f) => f.predicate)).toEqual(['NodeUnschedulable']);
  });

  it('reports all failing predicates on request', () => {
    expect(checkPodOnNode(state, makePod('p', { cpu: '1' }), 'a', { all: true }).map((f) => f.predicate)).toEqual(['NodeUnschedulable', 'NodeResourcesFit']);
  });

  it('rejects an unknown node', () => {
    expect(checkPodOnNode(state, makePod('p'), 'nope')[0]!.message).toBe('node "nope" not found');
  });

  it('NodeName: a pod bound elsewhere only fits its node; withoutNodeName frees it', () => {
    const s = buildPlacementState({ nodes: [makeNode('a'), makeNode('b')], pods: [] });
    const pod = makePod('p', { node: 'a' });
    expect(checkPodOnNode(s, pod, 'b').map((f) => f.message)).toEqual(["node(s) didn't match the requested node name"]);
    const free = withoutNodeName(pod);
    expect(free.spec.nodeName).toBeUndefined();
    expect(free.status).toBeUndefined();
    expect(pod.spec.nodeName).toBe('a');
    expect(checkPodOnNode(s, free, 'b')).toEqual([]);
  });
});

describe('scoring', () => {
  it('prefers the least allocated node, then the lowest name', () => {
    const state = buildPlacementState({
      nodes: [makeNode('c'), makeNode('b'), makeNode('a')],
      pods: [makePod('x', { node: 'a', cpu: '2', memory: '4Gi' })],
    });
    expect(scheduleOne(state, makePod('p', { cpu: '100m', memory: '100Mi' })).node).toBe('b');
  });

  it('spreads replicas by resources when assigned one by one, deterministically', () => {
    const run = () => {
      const state = buildPlacementState({ nodes: ['n1', 'n2', 'n3'].map((n) => makeNode(n)), pods: [] });
      const placed: string[] = [];
      for (let i = 0; i < 6; i++) {
        const pod = makePod(`web-${i}`, { cpu: '500m', memory: '512Mi' });
        const r = scheduleOne(state, pod);
        state.assign(pod, r.node!);
        placed.push(r.node!);
      }
      return placed;
    };
    const first = run();
    expect(first).toEqual(run());
    expect([...first].sort()).toEqual(['n1', 'n1', 'n2', 'n2', 'n3', 'n3']);
  });

  it('avoids PreferNoSchedule taints and honours preferred node affinity', () => {
    const state = buildPlacementState({
      nodes: [makeNode('a', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), makeNode('b', { labels: { disk: 'hdd' } }), makeNode('c', { labels: { disk: 'ssd' } })],
      pods: [],
    });
    expect(scheduleOne(state, makePod('p')).node).toBe('b');
    const prefersSsd = makePod('p', {
      spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } } },
    });
    expect(scheduleOne(state, prefersSsd).node).toBe('c');
  });

  it('gives the same answer on a state built empty and filled, one rolled back and refilled, and a freshly built one', () => {
    const nodes = Array.from({ length: 12 }, (_, i) => makeNode(`n${String(i).padStart(2, '0')}`, { zone: `z${i % 3}`, cpu: String(2 + (i % 4)) }));
    const pods = Array.from({ length: 40 }, (_, i) => makePod(`p${i}`, { node: nodes[(i * 7) % 12]!.metadata.name, cpu: `${100 + ((i * 37) % 400)}m`, labels: { app: `a${i % 5}` } }));
    const fresh = buildPlacementState({ nodes, pods });
    const journal = new UndoJournal();
    const cloned = buildPlacementState({ nodes, pods: [] }, { journal });
    for (const p of pods) cloned.assign(p, p.spec.nodeName!);
    journal.rollback();
    expect(cloned.podCount()).toBe(0);
    for (const p of pods) cloned.assign(p, p.spec.nodeName!);
    for (let i = 0; i < 10; i++) {
      const pod = makePod(`new-${i}`, { cpu: '300m', labels: { app: `a${i % 5}` } });
      const a = scheduleOne(fresh, pod);
      const b = scheduleOne(cloned, pod);
      expect(a).toEqual(b);
      fresh.assign(pod, a.node!);
      cloned.assign(pod, b.node!);
    }
  });
});

describe('spreading scores', () => {
  const owner = { kind: 'ReplicaSet', name: 'web-abc' };

  it('spreads controller replicas across nodes even when one node is much emptier', () => {
    const state = buildPlacementState({
      nodes: [makeNode('big', { cpu: '64', memory: '256Gi' }), makeNode('small-1'), makeNode('small-2')],
      pods: [],
    });
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const pod = makePod(`web-${i}`, { owner, labels: { app: 'web', 'pod-template-hash': 'abc' }, cpu: '100m', memory: '64Mi' });
      const r = scheduleOne(state, pod);
      state.assign(pod, r.node!);
      placed.push(r.node!);
    }
    expect(new Set(placed).size).toBeGreaterThan(1);
  });

  it('prefers the zone with fewer matching pods for ScheduleAnyway constraints', () => {
    const state = buildPlacementState({
      nodes: [makeNode('a1', { zone: 'a' }), makeNode('a2', { zone: 'a' }), makeNode('b1', { zone: 'b' })],
      pods: [makePod('w1', { node: 'a1', labels: { app: 'w' } })],
    });
    const pod = makePod('w2', {
      labels: { app: 'w' },
      spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'w' } } }] },
    });
    expect(scheduleOne(state, pod).node).toBe('b1');
  });

  it('follows preferred pod affinity and anti-affinity', () => {
    const state = buildPlacementState({
      nodes: [makeNode('a'), makeNode('b'), makeNode('c')],
      pods: [makePod('cache', { node: 'c', labels: { app: 'cache' } })],
    });
    const term = { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' };
    const near = makePod('near', { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } } } });
    expect(scheduleOne(state, near).node).toBe('c');
    const far = makePod('far', { spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } } } });
    expect(scheduleOne(state, far).node).not.toBe('c');
  });
});

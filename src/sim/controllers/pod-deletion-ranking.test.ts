import { describe, expect, it } from 'vitest';
import type { Pod } from '../../model/k8s.js';
import { podsToDelete } from './pod-deletion-ranking.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; cost?: number; restarts?: number; created?: number } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: ago(o.created ?? 86_400),
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } } : {}),
    },
    spec: { ...(o.node !== undefined ? { nodeName: o.node } : { nodeName: 'n1' }), containers: [{ name: 'c' }] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readySince ?? 86_400) }],
      containerStatuses: [{ name: 'c', ready: o.ready !== false, restartCount: o.restarts ?? 0 }],
    },
  };
}

const first = (pods: Pod[], related: Pod[] = pods) => podsToDelete(pods, related, 1, NOW)[0]!.metadata.name;

describe('podsToDelete (ActivePodsWithRanks)', () => {
  it.each([
    ['unassigned before assigned', [pod('a'), pod('b', { node: '' })], 'b'],
    ['pending before running', [pod('a'), pod('b', { phase: 'Pending', ready: false })], 'b'],
    ['not ready before ready', [pod('a'), pod('b', { ready: false })], 'b'],
    ['lower deletion cost first', [pod('a', { cost: 10 }), pod('b', { cost: -5 })], 'b'],
    ['recently ready before long ready', [pod('a', { readySince: 86_400 }), pod('b', { readySince: 10 })], 'b'],
    ['more restarts first', [pod('a', { restarts: 1 }), pod('b', { restarts: 7 })], 'b'],
    ['newer before older', [pod('a', { created: 86_400 }), pod('b', { created: 60 })], 'b'],
  ])('%s', (_what, pods, expected) => {
    expect(first(pods as Pod[])).toBe(expected);
  });

  it('prefers pods doubled up on a node with related pods', () => {
    const pods = [pod('a', { node: 'n1' }), pod('b', { node: 'n2' })];
    const related = [...pods, pod('c', { node: 'n2' })];
    expect(first(pods, related)).toBe('b');
  });

  it('puts the cost before colocation, and phase before cost', () => {
    expect(first([pod('a', { node: 'n1', cost: -1 }), pod('b', { node: 'n2' })], [pod('a', { node: 'n1' }), pod('b', { node: 'n2' }), pod('c', { node: 'n2' })])).toBe('a');
    expect(first([pod('a', { cost: -100 }), pod('b', { phase: 'Pending', ready: false, cost: 100 })])).toBe('b');
  });

  it('returns every pod when asked for as many', () => {
    expect(podsToDelete([pod('a'), pod('b')], [], 5, NOW).map((p) => p.metadata.name).sort()).toEqual(['a', 'b']);
  });
});

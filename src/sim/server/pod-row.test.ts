import { describe, expect, it } from 'vitest';
import { podCells } from './pod-row.js';
import { humanDuration } from './human-duration.js';
import type { Pod } from '../../model/k8s.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');

function pod(status: Pod['status'], extra: { deleting?: boolean; init?: number; spec?: Partial<Pod['spec']> } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', creationTimestamp: '2026-11-27T11:55:00Z', ...(extra.deleting ? { deletionTimestamp: '2026-11-27T12:00:30Z' } : {}) },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'c' }],
      ...(extra.init ? { initContainers: Array.from({ length: extra.init }, (_, i) => ({ name: `i${i}` })) } : {}),
      ...extra.spec,
    },
    status,
  };
}

const running = { phase: 'Running', podIP: '10.0.0.9', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }] };

describe('pod row (READY, STATUS, RESTARTS as kubectl prints them)', () => {
  const cases: [string, Pod, string, string][] = [
    ['running', pod(running), '1/1', 'Running'],
    ['terminating', pod(running, { deleting: true }), '1/1', 'Terminating'],
    ['pending unscheduled', pod({ phase: 'Pending' }), '0/1', 'Pending'],
    ['container creating', pod({ phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }), '0/1', 'ContainerCreating'],
    ['crash loop', pod({ phase: 'Running', containerStatuses: [{ name: 'c', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }), '0/1', 'CrashLoopBackOff'],
    ['completed', pod({ phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } }] }), '0/1', 'Completed'],
    ['init waiting', pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i0', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'i1', ready: false, restartCount: 0, state: { running: {} } }] }, { init: 2 }), '0/1', 'Init:1/2'],
    ['evicted', pod({ phase: 'Failed', reason: 'Evicted' }), '0/1', 'Evicted'],
    ['terminal pod being deleted keeps its phase', pod({ phase: 'Succeeded' }, { deleting: true }), '0/1', 'Succeeded'],
  ];
  for (const [name, p, ready, status] of cases) {
    it(name, () => {
      const cells = podCells(p, NOW);
      expect(cells.slice(0, 3)).toEqual(['p', ready, status]);
      expect(cells[4]).toBe('5m');
    });
  }

  it('restarts show the time since the last one', () => {
    const p = pod({ phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { finishedAt: '2026-11-27T11:58:00Z' } } }] });
    expect(podCells(p, NOW)[3]).toBe('2 (2m ago)');
  });

  it('wide columns', () => {
    expect(podCells(pod(running), NOW).slice(5)).toEqual(['10.0.0.9', 'n1', '<none>', '<none>']);
  });
});

describe('humanDuration', () => {
  const cases: [number, string][] = [[0, '0s'], [119, '119s'], [120, '2m'], [150, '2m30s'], [600, '10m'], [3 * 3600, '3h'], [3 * 3600 + 60 * 5, '3h5m'], [9 * 3600, '9h'], [50 * 3600, '2d2h'], [10 * 86400, '10d'], [800 * 86400, '2y70d'], [3000 * 86400, '8y']];
  for (const [s, text] of cases) it(`${s}s → ${text}`, () => expect(humanDuration(s * 1000)).toBe(text));
});

import { describe, expect, it } from 'vitest';
import { makePod } from '../placement/testing/builders.js';
import {
  controllerOf,
  hasLocalStorage,
  isDaemonSetPod,
  isMirrorPod,
  isPodAvailable,
  isPodReady,
  isTerminal,
  isTerminating,
  localStorageVolumes,
  podKey,
  podKeyOf,
} from './pod.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

describe('classification', () => {
  it('finds the controller among owner references', () => {
    const pod = makePod('p');
    pod.metadata.ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: '1' },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: '2', controller: true },
    ];
    expect(controllerOf(pod)?.name).toBe('web-1');
    expect(controllerOf(makePod('bare'))).toBeUndefined();
    pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: '2', controller: false }];
    expect(controllerOf(pod)).toBeUndefined();
  });

  it.each([
    ['DaemonSet', true],
    ['ReplicaSet', false],
  ])('isDaemonSetPod for a %s-controlled pod is %s', (kind, want) => {
    expect(isDaemonSetPod(makePod('p', { owner: { kind, name: 'x' } }))).toBe(want);
  });

  it('recognises mirror pods by annotation, even with an empty value', () => {
    expect(isMirrorPod(makePod('p', { annotations: { 'kubernetes.io/config.mirror': '' } }))).toBe(true);
    expect(isMirrorPod(makePod('p', { annotations: { other: 'x' } }))).toBe(false);
    expect(isMirrorPod(makePod('p'))).toBe(false);
  });

  it.each([
    ['Succeeded', true],
    ['Failed', true],
    ['Running', false],
    ['Pending', false],
    ['Unknown', false],
  ])('isTerminal(%s) = %s', (phase, want) => {
    expect(isTerminal(makePod('p', { phase }))).toBe(want);
  });

  it('isTerminating follows deletionTimestamp', () => {
    expect(isTerminating(makePod('p', { deletionTimestamp: '2026-01-01T00:00:00Z' }))).toBe(true);
    expect(isTerminating(makePod('p'))).toBe(false);
  });

  it('counts any emptyDir as local storage, like kubectl drain', () => {
    const pod = makePod('p', {
      spec: {
        volumes: [
          { name: 'tmp', emptyDir: {} },
          { name: 'cache', emptyDir: { medium: 'Memory' } },
          { name: 'cfg', configMap: { name: 'c' } },
        ],
      },
    });
    expect(hasLocalStorage(pod)).toBe(true);
    expect(localStorageVolumes(pod)).toEqual(['cache', 'tmp']);
    expect(hasLocalStorage(makePod('q', { spec: { volumes: [{ name: 'cfg', configMap: { name: 'c' } }] } }))).toBe(false);
    expect(hasLocalStorage(makePod('r'))).toBe(false);
  });

  it('keys pods by namespace/name', () => {
    expect(podKey('shop', 'api-1')).toBe('shop/api-1');
    expect(podKeyOf(makePod('api-1', { namespace: 'shop' }))).toBe('shop/api-1');
  });
});

describe('readiness and availability', () => {
  it('isPodReady reads the Ready condition', () => {
    expect(isPodReady(makePod('p', { ready: true }))).toBe(true);
    expect(isPodReady(makePod('p', { ready: false }))).toBe(false);
    const noStatus = makePod('p');
    delete noStatus.status;
    expect(isPodReady(noStatus)).toBe(false);
  });

  it.each([
    // minReadySeconds, ready since, ready, want
    [0, undefined, true, true],
    [0, undefined, false, false],
    [30, '2026-01-01T00:09:00Z', true, true],
    [30, '2026-01-01T00:09:29Z', true, true],
    [30, '2026-01-01T00:09:30Z', true, false],
    [30, '2026-01-01T00:09:31Z', true, false],
    [30, undefined, true, false],
    [30, 'not a time', true, false],
  ] as const)('minReadySeconds=%d since=%s ready=%s → %s', (minReady, since, ready, want) => {
    expect(isPodAvailable(makePod('p', { ready, readySince: since }), minReady, NOW)).toBe(want);
  });

  it('a terminating pod is not available', () => {
    expect(isPodAvailable(makePod('p', { deletionTimestamp: '2026-01-01T00:00:00Z' }), 0, NOW)).toBe(false);
  });
});

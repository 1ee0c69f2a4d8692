import { describe, expect, it } from 'vitest';
import type { DaemonSet, Deployment, StatefulSet } from '../model/k8s.js';
import {
  maxTotalPods,
  minAvailablePods,
  resolveDaemonSetStrategy,
  resolveDeploymentStrategy,
  resolveFenceposts,
  resolveIntOrPercent,
  resolveStatefulSetStrategy,
} from './rolling.js';

function deployment(replicas: number | undefined, strategy?: Deployment['spec']['strategy']): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'app' }] } },
      ...(strategy ? { strategy } : {}),
    },
  };
}

function statefulSet(replicas: number, updateStrategy?: StatefulSet['spec']['updateStrategy']): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: { replicas, selector: {}, template: { spec: { containers: [] } }, ...(updateStrategy ? { updateStrategy } : {}) },
  };
}

function daemonSet(updateStrategy?: DaemonSet['spec']['updateStrategy']): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: { selector: {}, template: { spec: { containers: [] } }, ...(updateStrategy ? { updateStrategy } : {}) },
  };
}

describe('resolveIntOrPercent', () => {
  it.each([
    [3, 10, true, 3],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['0%', 10, true, 0],
    ['100%', 7, false, 7],
    ['33%', 3, true, 1],
    ['33%', 3, false, 0],
    ['50%', 0, true, 0],
    [undefined, 10, true, 0],
  ] as const)('%s of %d (up=%s) = %d', (v, total, up, want) => {
    expect(resolveIntOrPercent(v, total, up)).toBe(want);
  });

  it.each(['25', 'abc', '-5%', '1.5%', -1, 1.5])('rejects %j with a RangeError', (v) => {
    expect(() => resolveIntOrPercent(v, 10, true)).toThrow(RangeError);
  });
});

describe('resolveDeploymentStrategy', () => {
  it.each([
    // replicas, strategy, type, surge, unavailable
    [10, undefined, 'RollingUpdate', 3, 2],
    [undefined, undefined, 'RollingUpdate', 1, 0],
    [1, undefined, 'RollingUpdate', 1, 0],
    [3, undefined, 'RollingUpdate', 1, 0],
    [4, undefined, 'RollingUpdate', 1, 1],
    [10, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }, 'RollingUpdate', 0, 1],
    [10, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: '5%' } }, 'RollingUpdate', 0, 1],
    [10, { rollingUpdate: { maxSurge: 2 } }, 'RollingUpdate', 2, 2],
    [5, { rollingUpdate: { maxUnavailable: 9 } }, 'RollingUpdate', 2, 5],
    [0, undefined, 'RollingUpdate', 0, 0],
    [6, { type: 'Recreate' }, 'Recreate', 0, 6],
  ] as const)('replicas=%s strategy=%j → %s surge %d unavailable %d', (replicas, strategy, type, surge, unavailable) => {
    const r = resolveDeploymentStrategy(deployment(replicas, strategy as Deployment['spec']['strategy']));
    expect(r).toEqual({ type, replicas: replicas ?? 1, maxSurge: surge, maxUnavailable: unavailable });
  });

  it('derives the rollout bounds', () => {
    const r = resolveDeploymentStrategy(deployment(10));
    expect(maxTotalPods(r)).toBe(13);
    expect(minAvailablePods(r)).toBe(8);
    expect(minAvailablePods(resolveDeploymentStrategy(deployment(2, { type: 'Recreate' })))).toBe(0);
  });

  it('throws on an invalid value', () => {
    expect(() => resolveDeploymentStrategy(deployment(3, { rollingUpdate: { maxSurge: 'lots' } }))).toThrow(/"lots"/);
  });

  it('resolveFenceposts never returns both zero', () => {
    expect(resolveFenceposts('10%', '10%', 1)).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(resolveFenceposts(0, '10%', 1)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });
});

describe('resolveStatefulSetStrategy', () => {
  it.each([
    [3, undefined, { type: 'RollingUpdate', replicas: 3, partition: 0, maxUnavailable: 1 }],
    [3, { type: 'OnDelete' }, { type: 'OnDelete', replicas: 3, partition: 0, maxUnavailable: 1 }],
    [5, { type: 'RollingUpdate', rollingUpdate: { partition: 2 } }, { type: 'RollingUpdate', replicas: 5, partition: 2, maxUnavailable: 1 }],
    [10, { rollingUpdate: { maxUnavailable: '25%' } }, { type: 'RollingUpdate', replicas: 10, partition: 0, maxUnavailable: 2 }],
    [10, { rollingUpdate: { maxUnavailable: '39%' } }, { type: 'RollingUpdate', replicas: 10, partition: 0, maxUnavailable: 3 }],
    [10, { rollingUpdate: { maxUnavailable: '1%' } }, { type: 'RollingUpdate', replicas: 10, partition: 0, maxUnavailable: 1 }],
    [4, { rollingUpdate: { maxUnavailable: 2 } }, { type: 'RollingUpdate', replicas: 4, partition: 0, maxUnavailable: 2 }],
  ] as const)('replicas=%d %j', (replicas, strategy, want) => {
    expect(resolveStatefulSetStrategy(statefulSet(replicas, strategy as StatefulSet['spec']['updateStrategy']))).toEqual(want);
  });
});

describe('resolveDaemonSetStrategy', () => {
  it.each([
    [undefined, 10, { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 }],
    [{ type: 'OnDelete' }, 10, { type: 'OnDelete', maxSurge: 0, maxUnavailable: 0 }],
    [{ rollingUpdate: { maxUnavailable: '10%' } }, 15, { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 2 }],
    [{ rollingUpdate: { maxSurge: '10%', maxUnavailable: 0 } }, 15, { type: 'RollingUpdate', maxSurge: 2, maxUnavailable: 0 }],
    [{ rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }, 15, { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 }],
  ] as const)('%j over %d nodes', (strategy, nodes, want) => {
    expect(resolveDaemonSetStrategy(daemonSet(strategy as DaemonSet['spec']['updateStrategy']), nodes)).toEqual(want);
  });
});

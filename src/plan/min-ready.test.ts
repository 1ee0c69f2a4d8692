import { describe, expect, it } from 'vitest';
import { availabilityFinding, downtimeFinding, expectedMinReady, type MinReadyInput } from './min-ready.js';

const rolling = { type: 'RollingUpdate' as const, maxSurge: 1, maxUnavailable: 0 };
const base: MinReadyInput = { kind: 'Deployment', label: 'Deployment "a/b"', method: 'roll', strategy: rolling, replicas: 3, moved: 2, unplaceable: 0 };

describe('expectedMinReady', () => {
  const cases: [string, Partial<MinReadyInput>, number, RegExp | null][] = [
    ['roll with maxUnavailable 0 keeps all', {}, 3, null],
    ['roll with maxUnavailable 1 and maxSurge 0 drops one', { strategy: { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 } }, 2, /maxSurge 0/],
    ['Recreate drops to zero', { strategy: { type: 'Recreate', maxSurge: 0, maxUnavailable: 3 } }, 0, /Recreate/],
    ['surge keeps all', { method: 'surge' }, 3, null],
    ['evict k of n without a budget', { method: 'evict' }, 1, /2 of its 3 pods/],
    ['evict under a budget allowing 1 at a time', { method: 'evict', evictConcurrency: 1 }, 2, /1 of its 3/],
    ['single replica evicted', { method: 'evict', replicas: 1, moved: 1 }, 0, /only replica/],
    ['StatefulSet evicts one at a time', { kind: 'StatefulSet', method: 'evict', replicas: 3, moved: 2 }, 2, /keeps its name/],
    ['unmanaged delete', { kind: 'Pod', method: 'delete', replicas: 1, moved: 1 }, 0, /deleted/],
    ['pending pods (affinity: evict) lower the floor', { method: 'evict', evictConcurrency: 1, unplaceable: 2 }, 1, /stay Pending/],
  ];
  for (const [name, over, want, why] of cases) {
    it(name, () => {
      const input = { ...base, ...over };
      const r = expectedMinReady(input);
      expect(r.expectedMinReady).toBe(want);
      const f = downtimeFinding(input, r);
      if (why === null) expect(f).toBeUndefined();
      else {
        expect(f).toMatchObject({ code: 'DOWNTIME', severity: 'warning' });
        expect(f!.message).toMatch(why);
        if (want === 0) expect(f!.message).toContain('no ready replica');
      }
    });
  }
});

describe('availabilityFinding', () => {
  it('warns when fewer replicas are available than desired', () => {
    expect(availabilityFinding('Deployment', 'D', 3, { availableReplicas: 2 })?.code).toBe('NOT_FULLY_AVAILABLE');
    expect(availabilityFinding('Deployment', 'D', 3, { availableReplicas: 3 })).toBeUndefined();
    expect(availabilityFinding('Job', 'J', 3, { availableReplicas: 0 })).toBeUndefined();
  });
});

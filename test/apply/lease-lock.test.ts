/**
 * The apply lock over HTTP against the simulator: MicroTime with 6 fractional digits, refusal
 * naming the holder, takeover only after expiry, one winner when two race, force unlock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLeaseLock, forceUnlock, microTime, type HeldLock } from '../../src/cluster/lease-lock.js';
import { SdrainError } from '../../src/errors.js';
import type { Lease } from '../../src/model/k8s.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { SEED } from './apply-harness.js';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({ file: SEED, controllers: false });
});
afterAll(async () => {
  await sim.stop();
});

const NS = 'kube-system';
const lease = () => sim.store.get<Lease>('Lease', NS, 'sdrain-apply');
const acquire = (holder: string, timeoutMs = 0, name = 'sdrain-apply') =>
  acquireLeaseLock({ kc: sim.kc, namespace: NS, name, holder, digest: 'sha256:abc', durationSeconds: 15, now: Date.now, timeoutMs });

describe('lease lock', () => {
  it('formats MicroTime with exactly 6 fractional digits', () => {
    expect(microTime(Date.parse('2026-03-14T02:00:00.123Z'))).toBe('2026-03-14T02:00:00.123000Z');
  });

  it('refuses while another holder is live, naming it; release lets the next one in', async () => {
    const a = await acquire('host-a/pid-1');
    expect(lease()?.spec?.holderIdentity).toBe('host-a/pid-1');
    expect(lease()?.spec?.renewTime).toMatch(/\.\d{6}Z$/);
    const err = await acquire('host-b/pid-2', 300).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdrainError);
    expect((err as SdrainError).code).toBe('LOCKED');
    expect((err as SdrainError).message).toMatch(/"host-a\/pid-1" applying plan sha256:abc/);
    await a.release();
    const b = await acquire('host-b/pid-2');
    expect(lease()?.spec?.holderIdentity).toBe('host-b/pid-2');
    await b.release();
  });

  it('takes over an expired lease only', async () => {
    const old = microTime(Date.now() - 60_000);
    sim.store.create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'stale', namespace: NS },
      spec: { holderIdentity: 'dead/pid-9', leaseDurationSeconds: 15, renewTime: old, acquireTime: old, leaseTransitions: 2 },
    } as Lease);
    const c = await acquire('host-c/pid-3', 0, 'stale');
    const now = sim.store.get<Lease>('Lease', NS, 'stale');
    expect(now?.spec?.holderIdentity).toBe('host-c/pid-3');
    expect(now?.spec?.leaseTransitions).toBe(3);
    await c.release();
  });

  it('lets exactly one of two racing applies win', async () => {
    const results = await Promise.allSettled([acquire('race-1', 0, 'race'), acquire('race-2', 0, 'race')]);
    const won = results.filter((r): r is PromiseFulfilledResult<HeldLock> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((lost.reason as SdrainError).code).toBe('LOCKED');
    await won[0]!.value.release();
  });

  it('unlock removes the lease whoever holds it, and a renewing holder notices', async () => {
    const d = await acquireLeaseLock({ kc: sim.kc, namespace: NS, name: 'sdrain-apply', holder: 'host-d', durationSeconds: 1, now: Date.now, timeoutMs: 0 });
    const removed = await forceUnlock(sim.kc, NS);
    expect(removed?.spec?.holderIdentity).toBe('host-d');
    expect(lease()).toBeUndefined();
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the holder did not notice within 5s')), 5000);
      d.lost.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    expect((d.lost.reason as SdrainError).message).toMatch(/was deleted/);
    await d.release();
    expect(await forceUnlock(sim.kc, NS)).toBeUndefined();
  });
});

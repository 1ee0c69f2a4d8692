/**
 * The chaos slice: the seed article's drain applied while the simulator injects errors
 * (500/503/429, 409 on writes), latency, broken and ended watches, 410 Gone and a short outage.
 * An observer on the simulator's store — independent of sdrain — checks that nginx never fell
 * below the plan's floor, that a failed run's summary matches the cluster, and that re-running
 * apply converges. Fixed seeds; `npm run chaos` runs many more (bench/chaos-full.ts).
 */
import { describe, expect, it } from 'vitest';
import { SEED, seedSpec } from '../apply/apply-harness.js';
import { chaosFaults, runChaos } from './chaos-run.js';

describe('chaos: the seed article under faults', () => {
  it.each([11, 42])('seed %i: floor kept, summary true, converges', async (seed) => {
    const report = await runChaos({ file: SEED, specText: seedSpec(), faults: chaosFaults(seed), podStartupMs: 500, runTimeoutMs: 40_000 });
    if (process.env.SDRAIN_TEST_DEBUG) console.log(JSON.stringify(report, null, 2));
    expect(report.violations).toEqual([]);
    expect(report.converged).toBe(true);
    // The faults really happened: errors and retries, and at least one broken or ended watch.
    const injected = Object.entries(report.faults).filter(([k]) => k.startsWith('error-')).reduce((n, [, v]) => n + v, 0);
    expect(injected).toBeGreaterThan(0);
    expect(report.retries).toBeGreaterThan(0);
  }, 60_000);
});

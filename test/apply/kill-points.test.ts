/**
 * SIGKILL `sdrain apply` (the built binary) at every kind of step — after the lock, after a
 * cordon, mid-surge, mid-roll, mid-evict, mid-delete, after a workload, during afterEach,
 * between waves, in the second wave — then run apply again: it converges every time, no
 * workload drops below its plan's floor across both runs (an observer on the simulator's store),
 * and nothing is left half-done or done twice (see test/chaos/kill-run.ts). Kill points are
 * found from apply's own NDJSON events. The points run concurrently, each on its own simulator.
 * The second-wave points run with SDRAIN_KILL_ALL=1; all of them, also under injected faults,
 * in `npm run chaos`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliIsBuilt } from '../helpers/cli.js';
import { KILL_POINTS, runKillPoint } from '../chaos/kill-run.js';

beforeAll(() => {
  if (!cliIsBuilt()) throw new Error('build first: npx tsc -p tsconfig.build.json');
});

/** The suite's slice: the kill points of the issue; SDRAIN_KILL_ALL=1 adds the second-wave ones. */
const POINTS = process.env.SDRAIN_KILL_ALL ? KILL_POINTS : KILL_POINTS.filter((p) => p.ci);

describe.concurrent('apply killed with SIGKILL, then run again', () => {
  it.each(POINTS.map((p) => [p.name, p] as const))('%s: converges, floors held, nothing done twice', async (_name, point) => {
    const report = await runKillPoint(point, { podStartupMs: 300 });
    if (process.env.SDRAIN_TEST_DEBUG) console.log(JSON.stringify(report, null, 2));
    expect(report.violations).toEqual([]);
    expect(report.killed).toBe(true);
    expect(report.reruns.at(-1)).toBe(0);
  }, 180_000);
});

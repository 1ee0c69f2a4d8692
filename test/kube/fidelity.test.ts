/**
 * A fixed-seed slice of `npm run bench:fidelity`: a few seeded cases (pools with labels, taints
 * and different allocatable; workloads with affinity, spread, tolerations, PDBs, local PVs) set
 * up as an operator would, planned live and applied with the CLI binary on this tier's cluster,
 * and the same cases at the same time on an `sdrain sim` started here. The planner's safety
 * figures must be 0 (no replacement left Pending where the plan said it fits, no pod placed on a
 * node the planner rules out), no floor broken on either backend, and sim and real must agree on
 * placement feasibility (setup, and which workloads keep pods Pending after the move).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { fidelityCase } from '../../bench/lib/fidelity-cases.js';
import { plannerFigures, simFigures, type CaseResult } from '../../bench/lib/fidelity-compare.js';
import { runCasePair, startEmptySim } from '../../bench/lib/fidelity-run.js';
import type { SimProcess } from '../../bench/lib/sim-process.js';
import { requireBuiltCli } from '../helpers/cli.js';

const SEED = 1;
const CASES = [2, 4, 6, 7, 8];

describe('fidelity slice: planner and simulator against this cluster (seed 1)', () => {
  let sim: { proc: SimProcess; kubeconfig: string } | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-fidelity-test-'));
  const results: CaseResult[] = [];

  beforeAll(async () => {
    requireBuiltCli();
    sim = await startEmptySim(dir, SEED);
    for (const i of CASES) {
      const c = fidelityCase(SEED, i);
      const { real, sim: simRun } = await runCasePair(c, inject('kubeconfig'), sim.kubeconfig, (l) => process.stderr.write(`${l}\n`));
      results.push({ c, real, ...(simRun ? { sim: simRun } : {}) });
    }
  }, 600_000);

  afterAll(async () => {
    await sim?.proc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every case ran on both backends and moved something', () => {
    for (const r of results) {
      expect(r.real.error, r.c.id).toBeUndefined();
      expect(r.sim?.error, r.c.id).toBeUndefined();
      expect(r.real.setupOk, `${r.c.id}: ${r.real.setupProblem}`).toBe(true);
      expect(['apply', 'manual'], r.c.id).toContain(r.real.mode);
    }
  });

  it('safety figures are 0 and no floor is broken', () => {
    const p = plannerFigures(results);
    expect(p.pendingMisses).toEqual([]);
    expect(p.ruledOut).toEqual([]);
    expect(p.floorBroken).toEqual([]);
    expect(simFigures(results).simFloorBroken).toEqual([]);
  });

  it('sim and real agree on placement feasibility', () => {
    const s = simFigures(results);
    const setup = s.rows.find((r) => r.what.startsWith('every pod of the case placed'))!;
    const feasible = s.rows.find((r) => r.what.startsWith('placement feasibility'))!;
    expect(setup.compared).toBe(CASES.length);
    expect(setup.examples).toEqual([]);
    expect(feasible.examples).toEqual([]);
  });
});

/**
 * Golden plans: a maintenance spec and a cluster file in, the canonical plan file out. The
 * expected files are test/golden/plan/<scenario>.plan.json; regenerate them after an intended
 * change with UPDATE_GOLDEN=1 and review the diff. Each scenario also states the facts it is
 * about, so a golden file cannot silently bless a wrong plan.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { renderPlanTable } from '../../src/render/plan-table.js';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { plan } from '../../src/plan/plan.js';
import { parseSpec } from '../../src/spec/parse-spec.js';
import { loadSnapshotText } from '../../src/snapshot/snapshot-file.js';
import { writePlan } from '../../src/planfile/write-plan.js';
import { readPlan } from '../../src/planfile/read-plan.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export function planFiles(specFile: string, clusterFile: string): Plan {
  const spec = parseSpec(readFileSync(join(root, specFile), 'utf8'), specFile);
  const { snapshot } = loadSnapshotText(readFileSync(join(root, clusterFile), 'utf8'), clusterFile);
  return plan(spec, snapshot, { toolVersion: '0.0.0-golden' });
}

const codes = (p: Plan, severity?: string) => p.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code);

interface Scenario {
  name: string;
  spec: string;
  cluster: string;
  check: (p: Plan) => void;
}

const SEED = 'test/fixtures/seed-article.yaml';
const IN = 'test/golden/plan/inputs';

const scenarios: Scenario[] = [
  {
    name: 'seed-article',
    spec: 'test/fixtures/seed-article-maint.yaml',
    cluster: SEED,
    check: (p) => {
      expect(p.applicable).toBe(true);
      expect(codes(p)).not.toContain('DOWNTIME');
      const a = p.waves[0]!.actions[0]!;
      expect(a).toMatchObject({ method: 'surge', replicas: 3, expectedMinReady: 3, surgePods: 2 });
      expect(a.pods).toHaveLength(2);
    },
  },
  {
    name: 'seed-roll',
    spec: `${IN}/seed-roll.maint.yaml`,
    cluster: SEED,
    check: (p) => {
      expect(p.applicable).toBe(true);
      expect(codes(p)).not.toContain('DOWNTIME');
      expect(p.waves[0]!.actions[0]).toMatchObject({ method: 'roll', expectedMinReady: 3, surgePods: 1, strategy: { maxSurge: 1, maxUnavailable: 0 } });
    },
  },
  {
    name: 'pinned-fail',
    spec: `${IN}/pinned-fail.maint.yaml`,
    cluster: `${IN}/seed-pinned.yaml`,
    check: (p) => {
      expect(p.applicable).toBe(false);
      const f = p.findings.find((x) => x.code === 'UNPLACEABLE')!;
      expect(f.severity).toBe('error');
      expect(f.message).toContain("didn't match Pod's node affinity/selector");
      expect(f.message).toContain('were unschedulable');
    },
  },
  {
    name: 'pinned-evict',
    spec: `${IN}/pinned-evict.maint.yaml`,
    cluster: `${IN}/seed-pinned.yaml`,
    check: (p) => {
      expect(codes(p, 'error')).toEqual([]);
      expect(codes(p, 'warning')).toEqual(expect.arrayContaining(['AFFINITY_EVICT', 'DOWNTIME']));
      expect(p.waves[0]!.actions[0]!.expectedMinReady).toBe(0);
    },
  },
  {
    name: 'pinned-skip',
    spec: `${IN}/pinned-skip.maint.yaml`,
    cluster: `${IN}/seed-pinned.yaml`,
    check: (p) => {
      expect(p.applicable).toBe(true);
      expect(p.waves.map((w) => w.nodes)).toEqual([['worker-2']]);
      const f = p.findings.find((x) => x.code === 'NODE_SKIPPED')!;
      expect(f).toMatchObject({ severity: 'warning', node: 'worker-1' });
    },
  },
  {
    name: 'pdb-zero',
    spec: `${IN}/evict.maint.yaml`,
    cluster: `${IN}/seed-pdb-zero.yaml`,
    check: (p) => {
      expect(p.applicable).toBe(false);
      expect(p.findings.find((x) => x.code === 'PDB_BLOCKS')).toMatchObject({ severity: 'error', object: { kind: 'PodDisruptionBudget', name: 'nginx' } });
    },
  },
  {
    name: 'recreate-single',
    spec: `${IN}/roll.maint.yaml`,
    cluster: `${IN}/seed-recreate-single.yaml`,
    check: (p) => {
      const legacy = p.waves[0]!.actions.find((a) => a.workload.name === 'legacy')!;
      expect(legacy).toMatchObject({ method: 'roll', expectedMinReady: 0, strategy: { type: 'Recreate' } });
      const f = p.findings.find((x) => x.code === 'DOWNTIME' && x.object?.name === 'legacy')!;
      expect(f.severity).toBe('warning');
      expect(f.message).toContain('Recreate');
    },
  },
  {
    name: 'shutdown-stated',
    spec: `${IN}/shutdown.maint.yaml`,
    cluster: `${IN}/seed-prestop.yaml`,
    check: (p) => {
      const est = (name: string) => p.waves[0]!.actions.find((a) => a.workload.name === name)!.estimate!;
      // nginx: its pods' 10 s preStop sleep, then 1 s after SIGTERM; legacy: the spec says it uses its whole 30 s.
      expect(est('nginx')).toMatchObject({ shutdownBasis: 'observed', shutdownModel: 'graceful', preStopSeconds: 10, shutdownSeconds: 11 });
      expect(est('legacy')).toMatchObject({ shutdownBasis: 'spec', shutdownModel: 'whole-grace', shutdownOverride: 1, shutdownSeconds: 30 });
      expect(p.spec.spec.estimate).toEqual({ overrides: [{ kind: 'Deployment', namespace: 'default', name: 'legacy', shutdown: { model: 'whole-grace' } }] });
      expect(p.estimate!.caveats.join(' ')).not.toMatch(/assumed to exit/);
    },
  },
];

describe('golden plans', () => {
  for (const s of scenarios) {
    it(s.name, () => {
      const p = planFiles(s.spec, s.cluster);
      s.check(p);
      const { text } = writePlan(p);
      // The plan file reader (apply's gate) must accept what the planner writes.
      expect(() => readPlan(text, `${s.name}.plan.json`)).not.toThrow();
      const file = join(here, 'plan', `${s.name}.plan.json`);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
      expect(existsSync(file), `missing ${file}: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(file, 'utf8'));
      // The readable plan a reviewer sees, rendered from the same JSON (no colour).
      const table = renderPlanTable(readPlan(text, `${s.name}.plan.json`), { color: false });
      const tableFile = join(here, 'plan', `${s.name}.plan.txt`);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(tableFile, table);
      expect(existsSync(tableFile), `missing ${tableFile}: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(table).toBe(readFileSync(tableFile, 'utf8'));
    }, 30_000);
  }
});

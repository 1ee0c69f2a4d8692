/**
 * Smoke run of bench/offline-floor.ts at a tiny size: the dump is what the kubectl command
 * prints (a List of those kinds, in its order), the floor and the plan both run, and the dump's
 * layout does not change the plan. No timing assertions (bench/RESULTS.md §3 has the figures).
 * Runs the CLI binary: needs `npx tsc -p tsconfig.build.json`. 4 short processes, a few seconds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpChunks, dumpObjects, offlineFloorMarkdown, parseCases, runOfflineFloor } from '../../bench/offline-floor.js';
import { requireBuiltCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'sdrain-offline-floor-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('offline-floor bench', () => {
  it('writes the dump as kubectl prints it, in either layout', () => {
    const objects = dumpObjects(3, 'full');
    const kinds = [...new Set(objects.map((o) => o.kind))];
    expect(kinds).toEqual(['Node', 'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'PodDisruptionBudget']);
    const indented = [...dumpChunks(objects, 'kubectl')].join('');
    const compact = [...dumpChunks(objects, 'compact')].join('');
    expect(indented).toContain('\n        {\n            "apiVersion": "v1",\n            "kind": "Node",');
    expect(compact.split('\n')).toHaveLength(2);
    expect(JSON.parse(indented)).toEqual(JSON.parse(compact));
    expect(JSON.parse(compact)).toEqual({ apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } });
  });

  it('times the bare parse and sdrain plan on the same file; the layout does not change the plan', async () => {
    requireBuiltCli();
    const report = await runOfflineFloor({ cases: parseCases('6:kubectl:full,6:compact:full'), runs: 1, drain: 2, workDir: work, log: () => undefined });
    expect(report.rows).toHaveLength(2);
    for (const r of report.rows) {
      expect(r.podCount).toBe(180);
      expect(r.floor).toHaveLength(1);
      expect(r.plan).toHaveLength(1);
      expect(r.plan[0]!.wallMs).toBeGreaterThan(0);
    }
    expect(report.rows[0]!.planSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.rows[1]!.planSha256).toBe(report.rows[0]!.planSha256);
    const plan = JSON.parse(readFileSync(join(work, 'plan-6-compact-full.json'), 'utf8')) as { waves: unknown[] };
    expect(plan.waves.length).toBeGreaterThan(0);
    expect(offlineFloorMarkdown(report)).toContain('| 6 | 180 | kubectl, full pods |');
    expect(() => parseCases('6:yaml:full')).toThrow(/form must be kubectl or compact/);
  });
});

/**
 * Format-1 plan files (written before plan format 2) are still read: their prose fields become
 * format 2's typed ones, and `show` renders them exactly as the sdrain that wrote them did.
 * test/fixtures/format-1/ holds such a file (two waves, arrivals, untouched DaemonSet pods) and
 * what that sdrain printed for it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlan } from '../../src/planfile/read-plan.js';
import { renderPlanTable } from '../../src/render/plan-table.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { plan } from '../../src/plan/plan.js';
import { parseSpec } from '../../src/spec/parse-spec.js';
import { loadSnapshotText } from '../../src/snapshot/snapshot-file.js';

const DIR = join(REPO_ROOT, 'test/fixtures/format-1');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');

describe('plan format 1', () => {
  const v1 = readPlan(read('two-waves.plan.json'), 'two-waves.plan.json');

  it('reads into the typed fields format 2 writes for the same spec and cluster', () => {
    expect(v1.formatVersion).toBe(1);
    const spec = parseSpec(read('two-waves.maint.yaml'), 'two-waves.maint.yaml');
    const { snapshot } = loadSnapshotText(readFileSync(join(REPO_ROOT, 'examples/cluster.yaml'), 'utf8'), 'examples/cluster.yaml');
    const v2 = plan(spec, snapshot, { toolVersion: v1.toolVersion });
    // The typed fields only: capacity numbers follow the planner of the day, not the format.
    const typed = (p: typeof v1) =>
      p.waves.map((w) => ({
        actions: w.actions.map((a) => ({ workload: a.workload, why: a.why, reason: a.reason, arrivedPods: a.arrivedPods })),
        untouched: w.untouched,
      }));
    expect(typed(v1)).toEqual(typed(v2));
    const arrived = v1.waves[1]!.actions.filter((a) => a.arrivedPods > 0);
    expect(arrived.map((a) => [a.workload.name, a.arrivedPods, a.why.code])).toEqual([
      ['nginx', 1, 'DEFAULT'],
      ['redis', 1, 'DEFAULT'],
    ]);
    expect(v1.waves.flatMap((w) => w.untouched.map((u) => u.reason))).toEqual(['daemonset', 'daemonset']);
  });

  it('renders what the sdrain that wrote it showed (table and Markdown; columns added since, like Estimate, aside)', () => {
    // Every reason and summary line that sdrain printed is printed again.
    const table = renderPlanTable(v1, { color: false });
    const md = renderPlanMarkdown(v1);
    const old = read('two-waves.show.txt');
    for (const reason of ['default for Deployments; 1 pod(s) placed here by an earlier wave', 'default for StatefulSets; 1 pod(s) placed here by an earlier wave', 'override #1']) {
      expect(old).toContain(reason);
      expect(table).toContain(reason);
      expect(md).toContain(reason.replace('#', '\\#'));
    }
    for (const line of old.split('\n').filter((l) => /^(Wave \d|  Untouched|Summary|Digest|  (Surge needed|Free):)/.test(l))) expect(table.split('\n')).toContain(line);
    expect(md.split('\n')[0]).toBe(read('two-waves.show.md').split('\n')[0]);
  });

  it('refuses a format-1 reason text sdrain never wrote, at its field', () => {
    const text = read('two-waves.plan.json').replace('"override #1"', '"because I said so"');
    // The digest check comes first: an edited file is refused as edited, not misread.
    expect(() => readPlan(text, 'edited.json')).toThrow(/was modified after it was written/);
  });
});

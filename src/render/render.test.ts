import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Table from 'cli-table3';
import { drawActionTable, renderPlanTable } from './plan-table.js';
import { renderPlanMarkdown, escapeMarkdown } from './plan-markdown.js';
import { renderPlanForDiff } from './plan-text.js';
import { renderPlanJson } from './plan-json.js';
import { summarizePlan, formatSummaryCounts } from './findings.js';
import { writePlan } from '../planfile/write-plan.js';
import { samplePlan } from './testing/sample-plan.js';

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), '../../test/golden/render');

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it (review the diff before committing). */
function golden(name: string, actual: string): void {
  const file = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.CI) throw new Error(`golden file ${name} missing in CI`);
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const ok = writePlan(samplePlan()).plan;
const blocked = writePlan(samplePlan({ blocked: true })).plan;
const ESC = '\u001b[';

describe('plan renderers', () => {
  it('table: matches the golden text (applicable and blocked)', () => {
    golden('sample.table.txt', renderPlanTable(ok));
    golden('sample-blocked.table.txt', renderPlanTable(blocked));
  });

  it('table: waves, methods, min ready, surge fit, every finding with its hint, summary and digest', () => {
    const t = renderPlanTable(blocked);
    expect(t).toContain('Wave 1: node-a');
    expect(t).toMatch(/Deployment shop\/api\s+│ roll/);
    expect(t).toContain('2/3');
    expect(t).toContain('DOES NOT FIT');
    expect(t).toContain('Untouched: 1 pod(s) stay (1 × DaemonSet)');
    expect(t.indexOf('INSUFFICIENT_CAPACITY')).toBeLessThan(t.indexOf('PDB_BLOCKS'));
    expect(t).toContain('→ Lower concurrency or add a node before draining.');
    expect(t).toContain('Summary: 2 waves, 2 nodes, 4 workloads, 5 pods moved, 1 error, 1 warning, 1 info — BLOCKED');
    expect(t).toContain(`Digest: ${blocked.digest}`);
  });

  it('table: the workload table is line for line the plain cli-table3 table with multi-line cells', () => {
    const head = ['Workload', 'Method', 'Pods moved', 'Min ready', 'Surge pods', 'Estimate', 'Why'];
    const plain = (rows: string[][]): string[] => {
      const t = new Table({ head, style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 } });
      for (const r of rows) t.push(r);
      return t.toString().split('\n');
    };
    // Enough rows for several of drawActionTable's tables, cells of one to seven lines in any
    // column, the widest line of a column late in the table, empty cells and a non-ASCII one.
    const rows: string[][] = [];
    for (let i = 0; i < 90; i++) {
      const pods = Array.from({ length: i % 7 }, (_, k) => `  pod-${i}-${'x'.repeat((i * k) % 13)}`);
      rows.push([`Deployment ns/app-${i}`, i % 3 === 0 ? 'surge' : 'roll', [`${pods.length}`, ...pods].join('\n'), `${i}/${i + 1}`, '', i === 77 ? 'a much longer estimate here' : '-', i % 11 === 0 ? 'two\nlines … here' : 'default']);
    }
    for (const n of [1, 2, 17, 64, 65, 90]) expect(drawActionTable(rows.slice(0, n))).toEqual(plain(rows.slice(0, n)));
  });

  it('table: colour only when asked', () => {
    expect(renderPlanTable(blocked, { color: false })).not.toContain(ESC);
    expect(renderPlanTable(blocked, { color: true })).toContain(ESC);
  });

  it('markdown: summary first, risks highlighted, digest pinned, info folded', () => {
    const md = renderPlanMarkdown(blocked);
    golden('sample-blocked.md', md);
    golden('sample.md', renderPlanMarkdown(ok));
    golden('sample-estimated.md', renderPlanMarkdown(writePlan(samplePlan({ estimated: true })).plan));
    golden('sample-estimated.table.txt', renderPlanTable(writePlan(samplePlan({ estimated: true })).plan));
    const lines = md.split('\n');
    expect(lines[0]).toBe('## sdrain plan `kernel-upgrade`: ⛔ BLOCKED');
    expect(md.indexOf('### Risks')).toBeLessThan(md.indexOf('### Wave 1'));
    expect(md.indexOf('[!CAUTION]')).toBeLessThan(md.indexOf('[!WARNING]'));
    expect(md).toContain(`--expect-digest ${blocked.digest}\``);
    expect(md).toMatch(/<details><summary>Info findings \(1\)<\/summary>[\s\S]*DAEMONSET_POD[\s\S]*<\/details>\n$/);
    expect(renderPlanMarkdown(ok).split('\n')[0]).toContain('✅ applicable');
    expect(md).not.toContain(ESC);
  });

  it('each move says which shutdown its estimate assumes; a plan written before that was recorded says nothing', () => {
    const plan = writePlan(samplePlan({ estimated: true })).plan;
    const table = renderPlanTable(plan, { color: false });
    expect(table).toContain('~34 s (stop 2 s by preStop)');
    expect(table).toContain('~27 s (stop 2 s per spec)');
    expect(table).toContain('~13 s (default start-up; stop 2 s assumed)');
    for (const w of plan.waves) for (const a of w.actions) for (const k of ['shutdownBasis', 'shutdownModel', 'preStopSeconds', 'shutdownOverride'] as const) delete a.estimate![k];
    const older = renderPlanTable(plan, { color: false }) + renderPlanMarkdown(plan);
    expect(older).not.toMatch(/stop \d/);
    expect(older).toContain('~13 s (default start-up)');
  });

  it('markdown: free text cannot break tables', () => {
    expect(escapeMarkdown('a|b *c* <script>\nx')).toBe('a\\|b \\*c\\* \\<script\\> x');
    const p = samplePlan();
    p.waves[0]!.actions[0]!.reason = 'because | pipes';
    const md = renderPlanMarkdown(writePlan(p).plan);
    const row = md.split('\n').find((l) => l.includes('because'))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(9);
  });

  it('json: the plan file bytes', () => {
    expect(renderPlanJson(ok)).toBe(writePlan(samplePlan()).text);
  });

  it('diff text: stable lines, no digest, and a change shows as a small line diff', () => {
    const text = renderPlanForDiff(ok);
    golden('sample.diff.txt', text);
    expect(text).not.toContain(ok.digest);
    expect(renderPlanForDiff(writePlan(samplePlan()).plan)).toBe(text);
    const p = samplePlan();
    p.waves[0]!.actions[0]!.replicas = 4;
    const changed = renderPlanForDiff(writePlan(p).plan).split('\n');
    const before = text.split('\n');
    const differing = before.filter((l, i) => l !== changed[i]);
    expect(differing).toEqual([expect.stringMatching(/^wave 1 Deployment shop\/api uid=d1 method=roll replicas=3 /)]);
  });

  it('summary counts distinct workloads and moved pods', () => {
    const s = summarizePlan(blocked);
    expect(s).toMatchObject({ waves: 2, nodes: 2, workloads: 4, pods: 5, errors: 1, warnings: 1, infos: 1, applicable: false });
    expect(formatSummaryCounts({ ...s, errors: 0, pods: 1 })).toContain('1 pod moved, 0 errors');
  });
});

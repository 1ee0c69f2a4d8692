/**
 * The terminal rendering of a plan, read top to bottom by the operator: each wave with its
 * nodes, capacity check and workload table; then every finding with what to do; then the
 * summary and the digest to pin. Built from the plan file's data only, so `sdrain plan` and
 * `sdrain show` print the same thing. Pure; colour only when asked.
 */
import Table from 'cli-table3';
import stringWidth from 'string-width';
import type { Action, Finding, Plan, Wave } from '../model/plan.js';
import {
  actionReason,
  findingLocation,
  formatAmounts,
  formatSummaryCounts,
  qualifiedName,
  summarizePlan,
  summarizeUntouched,
  surgeFits,
  SEVERITY_ORDER,
} from './findings.js';
import { actionEstimateText, planEstimateText, waveEstimateText } from './estimate-text.js';
import { makeStyle, type Style } from './style.js';

/** Pods named in a cell before the rest are counted. */
const MAX_PODS_LISTED = 5;

export interface TableOptions {
  color: boolean;
}

/** The whole plan as terminal text, ending with a newline. */
export function renderPlanTable(plan: Plan, opts: TableOptions = { color: false }): string {
  const st = makeStyle(opts.color);
  const out: string[] = [];
  const clusterName = plan.cluster.server ?? (plan.cluster.uid ? `cluster ${plan.cluster.uid}` : 'snapshot');
  out.push(st.bold(`Plan "${plan.spec.metadata.name}" for ${clusterName}`));
  out.push('');
  if (plan.waves.length === 0) out.push(st.dim('No waves: nothing to drain.'), '');
  for (const wave of plan.waves) out.push(...renderWave(wave, st), '');
  if (plan.findings.length > 0) {
    out.push(st.bold('Findings'));
    for (const sev of SEVERITY_ORDER) {
      for (const f of plan.findings) if (f.severity === sev) out.push(...renderFinding(f, st));
    }
    out.push('');
  }
  const s = summarizePlan(plan);
  const verdict = s.applicable ? st.green('applicable') : st.red(st.bold('BLOCKED by error findings'));
  if (plan.estimate) {
    out.push(`Estimated duration: ${planEstimateText(plan)}`);
    for (const c of plan.estimate.caveats) out.push(st.dim(`  ${c}`));
  }
  out.push(`Summary: ${formatSummaryCounts(s)} — ${verdict}`);
  out.push(`Digest: ${plan.digest}`);
  return out.join('\n') + '\n';
}

function renderWave(wave: Wave, st: Style): string[] {
  const lines = [st.bold(`Wave ${wave.index}: ${wave.nodes.join(', ')}${wave.estimate ? ` — ${waveEstimateText(wave)}` : ''}`)];
  const fits = surgeFits(wave.surge, wave.free);
  lines.push(`  Surge needed: ${formatAmounts(wave.surge)}`);
  lines.push(`  Free:         ${formatAmounts(wave.free)}  ${fits ? st.green('fits') : st.red('DOES NOT FIT')}`);
  if (wave.actions.length === 0) {
    lines.push(st.dim('  No workloads to move.'));
  } else {
    lines.push(...drawActionTable(wave.actions.map(actionRow)).map((l) => `  ${l}`));
  }
  if (wave.untouched.length > 0) lines.push(st.dim(`  Untouched: ${wave.untouched.length} pod(s) stay (${summarizeUntouched(wave.untouched)})`));
  return lines;
}

const ACTION_HEAD = ['Workload', 'Method', 'Pods moved', 'Min ready', 'Surge pods', 'Estimate', 'Why'];

/** Rows (lines of actions) per cli-table3 table: its layout step is quadratic in rows. */
const ROWS_PER_TABLE = 64;

/**
 * The wave's workload table exactly as cli-table3 draws it with one row per action (multi-line
 * cells, a separator between rows), built more cheaply. cli-table3 0.6.5's `Cell.draw`
 * truncates a cell's whole content for a debug message on every line of its row, and for
 * multi-line content that truncation drops one character at a time, measuring the rest each
 * time; its layout (`fillInTable`) is quadratic in rows. For a 1,000-node plan that was
 * ≈ 0.33 s of CPU for 2,400 lines. So every line of an action is its own single-line row of a
 * compact table (no separators), in tables of at most ROWS_PER_TABLE rows that share the
 * column widths cli-table3 would compute for the whole table (the widest line plus padding,
 * measured with string-width as cli-table3 does), and the separator cli-table3 draws under the
 * header goes before each action after the first. render.test.ts checks it line for line
 * against the plain multi-line table.
 */
export function drawActionTable(rows: readonly string[][]): string[] {
  const lines: string[][] = [];
  const starts = new Set<number>();
  const widths = ACTION_HEAD.map((h) => stringWidth(h));
  for (const row of rows) {
    const cells = row.map((c) => c.split('\n'));
    const height = Math.max(...cells.map((c) => c.length));
    starts.add(lines.length);
    for (let i = 0; i < height; i++) {
      const line = cells.map((c) => c[i] ?? '');
      line.forEach((c, x) => (widths[x] = Math.max(widths[x]!, stringWidth(c))));
      lines.push(line);
    }
  }
  const colWidths = widths.map((w) => w + 2);
  const style = { head: [], border: [], 'padding-left': 1, 'padding-right': 1, compact: true };
  const out: string[] = [];
  let separator = '';
  for (let first = 0; first < lines.length; first += ROWS_PER_TABLE) {
    const table = new Table({ ...(first === 0 ? { head: ACTION_HEAD } : {}), colWidths, style });
    const chunk = lines.slice(first, first + ROWS_PER_TABLE);
    table.push(...chunk);
    const drawn = table.toString().split('\n');
    // drawn: top border, (the header and its separator,) one line per row, bottom border.
    let r = 1;
    if (first === 0) {
      separator = drawn[2]!;
      out.push(...drawn.slice(0, 3));
      r = 3;
    }
    for (let k = 0; k < chunk.length; k++, r++) {
      if (first + k > 0 && starts.has(first + k)) out.push(separator);
      out.push(drawn[r]!);
    }
    if (first + ROWS_PER_TABLE >= lines.length) out.push(drawn[r]!);
  }
  return out;
}

function actionRow(a: Action): string[] {
  const listed = a.pods.slice(0, MAX_PODS_LISTED);
  const more = a.pods.length - listed.length;
  const pods = [`${a.pods.length}`, ...listed.map((p) => `  ${p}`), ...(more > 0 ? [`  … ${more} more`] : [])].join('\n');
  return [`${a.workload.kind} ${qualifiedName(a.workload)}`, a.method, pods, `${a.expectedMinReady}/${a.replicas}`, String(a.surgePods), actionEstimateText(a), actionReason(a)];
}

function renderFinding(f: Finding, st: Style): string[] {
  const where = findingLocation(f);
  const lines = [`  ${st.severity(f.severity, f.severity.toUpperCase().padEnd(7))} ${st.bold(f.code)}${where ? ` (${where})` : ''}`, `    ${f.message}`];
  if (f.hint) lines.push(`    ${st.cyan('→')} ${f.hint}`);
  return lines;
}

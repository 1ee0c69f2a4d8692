/**
 * The terminal rendering of a plan, read top to bottom by the operator: each wave with its
 * nodes, capacity check and workload table; then every finding with what to do; then the
 * summary and the digest to pin. Built from the plan file's data only, so `sdrain plan` and
 * `sdrain show` print the same thing. Pure; colour only when asked.
 */
import Table from 'cli-table3';
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
    const table = new Table({
      head: ['Workload', 'Method', 'Pods moved', 'Min ready', 'Surge pods', 'Estimate', 'Why'],
      style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
    });
    for (const a of wave.actions) table.push(actionRow(a));
    lines.push(...table.toString().split('\n').map((l) => `  ${l}`));
  }
  if (wave.untouched.length > 0) lines.push(st.dim(`  Untouched: ${wave.untouched.length} pod(s) stay (${summarizeUntouched(wave.untouched)})`));
  return lines;
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

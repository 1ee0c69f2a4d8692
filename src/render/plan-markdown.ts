/**
 * The pull-request rendering of a plan: verdict and counts first, the digest and the exact
 * `sdrain apply --expect-digest` line for pinning the approval, risks (errors, then warnings)
 * highlighted next, an overview of the waves, then one table per wave, and info findings folded
 * away. Pure and deterministic; all free text is escaped so a message cannot break the Markdown.
 */
import type { Finding, Plan, Wave } from '../model/plan.js';
import {
  actionReason,
  findingLocation,
  findingsOf,
  formatAmounts,
  formatSummaryCounts,
  qualifiedName,
  summarizePlan,
  summarizeUntouched,
  surgeFits,
} from './findings.js';
import { actionEstimateText, planEstimateText, waveEstimateText } from './estimate-text.js';
import { renderPlanGantt } from './plan-gantt.js';

/** Escapes text for Markdown prose and table cells. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** A code span that survives backticks in its content. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ` ${text} ` : text}${fence}`;
}

/** The whole plan as GitHub-flavoured Markdown, ending with a newline. */
export function renderPlanMarkdown(plan: Plan): string {
  const s = summarizePlan(plan);
  const out: string[] = [];
  const verdict = s.applicable ? '✅ applicable' : '⛔ BLOCKED';
  out.push(`## sdrain plan ${code(plan.spec.metadata.name)}: ${verdict}`, '');
  out.push(`**${formatSummaryCounts(s)}**`, '');
  const cluster = [plan.cluster.server ? `server ${code(plan.cluster.server)}` : undefined, plan.cluster.uid ? `uid ${code(plan.cluster.uid)}` : undefined]
    .filter(Boolean)
    .join(', ');
  out.push(`- Cluster: ${cluster || 'from a snapshot file'}`);
  out.push(`- Nodes, in order: ${plan.waves.map((w) => w.nodes.map(code).join(' + ')).join(' → ') || 'none'}`);
  out.push(`- Estimated duration: ${escapeMarkdown(planEstimateText(plan))}${plan.estimate && plan.waves.length > 1 ? ` (${plan.waves.map((w) => `wave ${w.index}: ${escapeMarkdown(waveEstimateText(w))}`).join('; ')})` : ''}`);
  for (const c of plan.estimate?.caveats ?? []) out.push(`  - ${escapeMarkdown(c)}`);
  out.push(`- Digest: ${code(plan.digest)}`);
  const applyLine = code(`sdrain apply plan.json --expect-digest ${plan.digest}`);
  out.push(
    s.applicable
      ? `- Approve by pinning the digest; apply refuses any other plan: ${applyLine}`
      : `- Apply refuses this plan while it is blocked: resolve the errors, plan again and review the new digest (${applyLine} would exit 3)`,
    '',
  );

  const errors = findingsOf(plan, 'error');
  const warnings = findingsOf(plan, 'warning');
  if (errors.length + warnings.length > 0) {
    out.push('### Risks', '');
    if (errors.length > 0) {
      out.push('> [!CAUTION]', `> ${errors.length === 1 ? 'This error blocks' : `These ${errors.length} errors block`} the plan: apply will refuse it.`, '');
      for (const f of errors) out.push(findingItem(f));
      out.push('');
    }
    if (warnings.length > 0) {
      out.push('> [!WARNING]', `> ${warnings.length === 1 ? 'Review this warning' : `Review these ${warnings.length} warnings`} before approving.`, '');
      for (const f of warnings) out.push(findingItem(f));
      out.push('');
    }
  }

  if (plan.waves.length > 1) out.push(...renderWaveOverview(plan.waves), '');
  const gantt = plan.estimate ? renderPlanGantt(plan) : [];
  if (gantt.length > 0) out.push('### Timeline', '', ...gantt, '');
  for (const wave of plan.waves) out.push(...renderWave(wave), '');

  const infos = findingsOf(plan, 'info');
  if (infos.length > 0) {
    out.push(`<details><summary>Info findings (${infos.length})</summary>`, '');
    for (const f of infos) out.push(findingItem(f));
    out.push('', '</details>', '');
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

function findingItem(f: Finding): string {
  const where = findingLocation(f);
  const label = f.severity === 'error' ? '**ERROR**' : f.severity === 'warning' ? '**WARNING**' : 'info';
  let line = `- ${label} ${code(f.code)}${where ? ` (${escapeMarkdown(where)})` : ''}: ${escapeMarkdown(f.message)}`;
  if (f.hint) line += `<br>→ ${escapeMarkdown(f.hint)}`;
  return line;
}

/** One row per wave: the shape of the whole maintenance before the details. */
function renderWaveOverview(waves: readonly Wave[]): string[] {
  const out = ['### Waves', '', '| Wave | Nodes | Workloads | Pods moved | Below full replicas | Surge | Estimate |', '|---|---|---|---|---|---|---|'];
  for (const w of waves) {
    const pods = w.actions.reduce((n, a) => n + a.pods.length, 0);
    const dips = w.actions.filter((a) => a.expectedMinReady < a.replicas).length;
    out.push(
      `| ${w.index} | ${w.nodes.map(code).join(', ')} | ${w.actions.length} | ${pods} | ${dips === 0 ? 'none' : `**${dips}**`} | ${surgeFits(w.surge, w.free) ? 'fits' : '**does not fit**'} | ${escapeMarkdown(waveEstimateText(w))} |`,
    );
  }
  return out;
}

function renderWave(wave: Wave): string[] {
  const out = [`### Wave ${wave.index}: ${wave.nodes.map(code).join(', ')}${wave.estimate ? ` — ${escapeMarkdown(waveEstimateText(wave))}` : ''}`, ''];
  const fits = surgeFits(wave.surge, wave.free);
  out.push(`Surge needed: ${formatAmounts(wave.surge)} · free: ${formatAmounts(wave.free)} · ${fits ? 'fits' : '**does not fit**'}`, '');
  if (wave.actions.length === 0) {
    out.push('_No workloads to move._');
  } else {
    out.push('| Workload | Method | Pods moved | Min ready | Surge pods | Estimate | Why |', '|---|---|---|---|---|---|---|');
    for (const a of wave.actions) {
      const pods = a.pods.map(code).join('<br>');
      out.push(
        `| ${escapeMarkdown(a.workload.kind)} ${code(qualifiedName(a.workload))} | ${a.method} | ${a.pods.length}: ${pods} | ${a.expectedMinReady}/${a.replicas} | ${a.surgePods} | ${escapeMarkdown(actionEstimateText(a))}${a.estimate ? ` <sub>${escapeMarkdown(a.estimate.formula)}</sub>` : ''} | ${escapeMarkdown(actionReason(a))} |`,
      );
    }
  }
  if (wave.untouched.length > 0) out.push('', `Untouched: ${wave.untouched.length} pod(s) stay (${escapeMarkdown(summarizeUntouched(wave.untouched))}).`);
  return out;
}

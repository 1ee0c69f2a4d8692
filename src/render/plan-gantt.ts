/**
 * The plan's estimated timeline as a Mermaid `gantt` block for the pull request (GitHub, GitLab
 * and most review tools render it): one section per wave, in apply's order, and in each the
 * workloads it moves — concurrently, from the wave's start — with method, floor and estimated
 * duration (and the shutdown it assumes), then afterEach node by node. Times are elapsed from apply's start on a fixed base
 * date parsed and printed in the same (local) time zone, so the axis reads 00:00, 00:05, ….
 * Stays readable at 50 workloads: a wave lists at most MAX_TASKS_PER_WAVE moves (the longest
 * first) and counts the rest; a plan of many waves shows one bar per wave. Pure.
 */
import type { Action, Plan, Wave } from '../model/plan.js';
import { formatEstimate } from '../plan/estimate-duration.js';
import { shutdownNote } from './estimate-text.js';

export const MAX_TASKS_PER_WAVE = 8;
export const MAX_WAVES_IN_DETAIL = 12;

const BASE_MS = Date.UTC(2000, 0, 1);

/** Elapsed seconds as the block's dateFormat (`YYYY-MM-DD HH:mm:ss` on 2000-01-01). */
function at(seconds: number): string {
  const d = new Date(BASE_MS + Math.round(seconds) * 1000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Task names may not contain what Mermaid's gantt grammar splits on. */
export function ganttText(text: string): string {
  return text.replace(/[:;#\r\n`]/g, ' ').replace(/\s+/g, ' ').trim();
}

function task(name: string, start: number, seconds: number, tags: string[] = []): string {
  const end = start + Math.max(1, Math.round(seconds));
  return `    ${ganttText(name)} :${tags.map((t) => `${t}, `).join('')}${at(start)}, ${at(end)}`;
}

function actionName(a: Action): string {
  const ns = a.workload.namespace ? `${a.workload.namespace}/` : '';
  const stop = shutdownNote(a);
  const est = a.estimate ? ` ${formatEstimate(a.estimate.seconds)}${stop ? ` (${stop})` : ''}` : '';
  return `${a.workload.kind} ${ns}${a.workload.name} · ${a.method} · floor ${a.expectedMinReady}/${a.replicas}${est}`;
}

function waveSection(wave: Wave, start: number, detail: boolean): string[] {
  const est = wave.estimate;
  const out = [`  section Wave ${wave.index} ${ganttText(wave.nodes.join(', '))}`];
  const total = est?.seconds ?? 0;
  if (!detail || wave.actions.length === 0) {
    out.push(task(`${wave.actions.length} workload(s)${est ? ` ${formatEstimate(total)}` : ''}`, start, total));
    return out;
  }
  const moves = [...wave.actions];
  const shown = moves.length > MAX_TASKS_PER_WAVE
    ? [...moves].sort((a, b) => (b.estimate?.seconds ?? 0) - (a.estimate?.seconds ?? 0)).slice(0, MAX_TASKS_PER_WAVE - 1)
    : moves;
  const keep = new Set(shown);
  for (const a of moves) {
    if (!keep.has(a)) continue;
    const floorBelow = a.expectedMinReady < a.replicas;
    out.push(task(actionName(a), start, a.estimate?.seconds ?? 0, floorBelow ? ['crit'] : []));
  }
  const rest = moves.filter((a) => !keep.has(a));
  if (rest.length > 0) {
    const longest = Math.max(...rest.map((a) => a.estimate?.seconds ?? 0));
    out.push(task(`… ${rest.length} more workload(s), up to ${formatEstimate(longest)}`, start, longest));
  }
  if (est && est.afterEachBasis) {
    const per = est.afterEachBasis === 'spec' ? est.afterEachSeconds / Math.max(1, wave.nodes.length) : 0;
    let t = start + est.moveSeconds;
    for (const node of wave.nodes) {
      if (per > 0) out.push(task(`afterEach ${node} ${formatEstimate(per)}`, t, per, ['done']));
      else out.push(`    ${ganttText(`afterEach ${node} (duration unknown)`)} :milestone, ${at(t)}, 0s`);
      t += per;
    }
  }
  return out;
}

/** The ```mermaid block (without a trailing blank line); empty when the plan has no waves. */
export function renderPlanGantt(plan: Plan): string[] {
  if (plan.waves.length === 0) return [];
  const total = plan.estimate?.seconds ?? 0;
  const out = ['```mermaid', 'gantt'];
  out.push(`  title ${ganttText(`Estimated timeline, elapsed from apply's start (total ${formatEstimate(total)})`)}`);
  out.push('  dateFormat YYYY-MM-DD HH:mm:ss');
  out.push(`  axisFormat ${total >= 3600 ? '%H:%M' : '%M:%S'}`);
  out.push('  todayMarker off');
  const detail = plan.waves.length <= MAX_WAVES_IN_DETAIL;
  let start = 0;
  for (const wave of plan.waves) {
    out.push(...waveSection(wave, start, detail));
    start += wave.estimate?.seconds ?? 0;
  }
  out.push('```');
  return out;
}

/**
 * The summary printed after apply: what moved, by which method, time per wave, and the lowest
 * ready count observed per workload against its floor (the plan's expectedMinReady). After a
 * failure or interruption it adds the cluster's state: which nodes are cordoned and what is
 * still on them. Pure.
 */
import Table from 'cli-table3';
import type { ApplyResult } from '../apply/apply-result.js';
import { formatSeconds, refText } from './apply-progress-lines.js';
import { makeStyle } from './style.js';
import { formatEstimate } from '../plan/estimate-duration.js';

const TABLE_STYLE = { head: [], border: [], 'padding-left': 1, 'padding-right': 1 };

/** "~30 s (+12%)": the plan's estimate and, once finished, how far the actual time was from it. */
export function estimateCell(estimateSeconds: number | undefined, actualMs: number | undefined): string {
  if (estimateSeconds === undefined) return '-';
  const text = formatEstimate(estimateSeconds);
  if (actualMs === undefined || estimateSeconds <= 0) return text;
  const pct = Math.round(((actualMs / 1000 - estimateSeconds) / estimateSeconds) * 100);
  return `${text} (${pct >= 0 ? '+' : ''}${pct}%)`;
}

export function renderApplySummary(result: ApplyResult, opts: { color: boolean } = { color: false }): string {
  const s = makeStyle(opts.color);
  const out: string[] = [];
  if (result.status === 'already-applied') {
    return `Plan ${result.digest} is already fully applied: nothing was changed.\n`;
  }
  const waves = new Table({ head: ['Wave', 'Nodes', 'Status', 'Time', 'Estimate'], style: TABLE_STYLE });
  for (const w of result.waves) waves.push([String(w.index), w.nodes.join(', '), w.status, w.ms !== undefined ? formatSeconds(w.ms) : '-', estimateCell(w.estimateSeconds, w.status === 'done' ? w.ms : undefined)]);
  out.push(waves.toString());
  if (result.workloads.length > 0) {
    const t = new Table({ head: ['Wave', 'Workload', 'Method', 'Pods', 'Status', 'Min ready', 'Floor', 'Time', 'Estimate'], style: TABLE_STYLE });
    for (const w of result.workloads) {
      const below = w.minReady !== null && w.minReady < w.expectedMinReady;
      t.push([
        String(w.wave),
        refText(w.workload),
        w.method,
        String(w.pods),
        w.status === 'failed' ? s.red(w.status) : w.status,
        w.minReady === null ? '-' : below ? s.red(`${w.minReady} (below floor)`) : String(w.minReady),
        String(w.expectedMinReady),
        w.ms !== undefined ? formatSeconds(w.ms) : '-',
        estimateCell(w.estimateSeconds, w.status === 'done' ? w.ms : undefined),
      ]);
    }
    out.push(t.toString());
  }
  if (result.nodes) {
    out.push('Cluster state now:');
    const t = new Table({ head: ['Node', 'Cordoned', 'Drained by this plan', 'Pods still on it'], style: TABLE_STYLE });
    for (const n of result.nodes) {
      t.push([n.name, n.cordoned ? (n.ours ? 'yes (by this plan)' : 'yes') : 'no', n.drained ? 'yes' : 'no', n.podsLeft.length ? n.podsLeft.join(', ') : '-']);
    }
    out.push(t.toString());
    const cordoned = result.nodes.filter((n) => n.cordoned && n.ours).map((n) => n.name);
    if (cordoned.length) out.push(`Still cordoned by this plan: ${cordoned.join(', ')}. Run apply again to resume, or \`sdrain uncordon\` to give them back.`);
  }
  const verdict =
    result.status === 'done'
      ? s.green(`Applied plan ${result.digest}${result.resumed ? ' (resumed)' : ''} in ${formatSeconds(result.ms)}.`)
      : result.status === 'interrupted'
        ? s.yellow(`Apply of ${result.digest} was interrupted after ${formatSeconds(result.ms)}.`)
        : s.red(`Apply of ${result.digest} failed after ${formatSeconds(result.ms)}.`);
  out.push(verdict);
  return out.join('\n') + '\n';
}

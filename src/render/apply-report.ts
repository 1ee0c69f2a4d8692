/**
 * `sdrain report` / `apply --report`: one self-contained HTML file (inline CSS and SVG, no
 * script, no network) showing an apply on a time axis — a lane per wave and per node (cordon,
 * afterEach, uncordon), and per workload its ready count over time against its floor and full
 * strength, a dip below the floor drawn in red with a marker, the method's steps (scale-up,
 * evictions, …), and the estimated span beside the actual one — then the summary tables.
 * Elements carry data-* attributes (data-lane, data-workload, data-floor, …) so tests and tools
 * can read the page through the DOM. Pure and deterministic: the same events give the same bytes.
 */
import type { ApplyEvent } from '../apply/apply-event.js';
import type { Plan } from '../model/plan.js';
import { formatEstimate } from '../plan/estimate-duration.js';
import { buildReportModel, dipsBelowFloor, type ReportModel, type ReportWorkload } from './apply-report-model.js';
import { formatSeconds, isoSeconds } from './apply-progress-lines.js';

const W = 1200;
const LABEL = 320;
const RIGHT = 24;
const PLOT = W - LABEL - RIGHT;
const AXIS_H = 34;
const WAVE_H = 30;
const NODE_H = 26;
const WL_H = 74;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const f1 = (n: number): string => (Math.round(n * 10) / 10).toString();

/** "+12 %" of actual against the estimate, or '' without both. */
export function estimateError(estimateSeconds: number | undefined, actualMs: number | undefined): string {
  if (estimateSeconds === undefined || actualMs === undefined || estimateSeconds <= 0) return '';
  const pct = Math.round(((actualMs / 1000 - estimateSeconds) / estimateSeconds) * 100);
  return `${pct >= 0 ? '+' : ''}${pct} %`;
}

function niceStep(spanS: number): number {
  for (const s of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]) if (spanS / s <= 12) return s;
  return 14400;
}

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.meta{color:#57606a;margin:0 0 12px}.meta code{font-size:12px}
.verdict{display:inline-block;padding:2px 8px;border-radius:4px;font-weight:600}
.verdict.done{background:#dafbe1;color:#116329}.verdict.failed,.verdict.interrupted{background:#ffebe9;color:#a40e26}.verdict.incomplete,.verdict.already-applied{background:#fff8c5;color:#7d4e00}
table{border-collapse:collapse;margin:4px 0 12px}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;font-size:13px}th{background:#f6f8fa}
td.below{color:#a40e26;font-weight:700}td.num{text-align:right}
svg{display:block;max-width:100%;height:auto;border:1px solid #d0d7de;border-radius:6px;background:#fff}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}svg .small{font-size:10px;fill:#57606a}
.grid{stroke:#eaeef2}.lane-bg{fill:#f6f8fa}.lane-sep{stroke:#d0d7de}
.actual-bar{fill:#0969da}.estimate-bar{fill:none;stroke:#8c959f;stroke-dasharray:4 3}
.cordoned{fill:#fff1e5}.mark-cordon,.mark-uncordon{fill:#bc4c00}.after-each{fill:#8250df;opacity:.6}
.ready-area{fill:#54aeff;opacity:.35}.ready-line{fill:none;stroke:#0969da;stroke-width:2}
.full-line{stroke:#1a7f37;stroke-dasharray:6 3}.floor-line{stroke:#cf222e;stroke-width:1.5}
.dip{fill:#cf222e;opacity:.35}.dip-marker{fill:#cf222e;font-weight:700}
.step{stroke:#24292f;stroke-width:1}.step-evict-retry{stroke:#bf8700}
.stop-marker{stroke:#cf222e;stroke-width:2;stroke-dasharray:5 4}.stop-label{fill:#cf222e;font-weight:700}
.not-started{fill:#8c959f;font-style:italic}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}
`;

/** Draws the model. Exported for tests; renderApplyReport is the entry point. */
export function renderReportHtml(m: ReportModel, opts: { toolVersion?: string } = {}): string {
  const estimatedEnd = m.start + Math.max(0, ...m.workloads.map((w) => (w.start ?? m.start) - m.start + (w.estimateSeconds ?? 0) * 1000));
  const spanMs = Math.max(1000, m.end - m.start, estimatedEnd - m.start);
  const x = (t: number): number => LABEL + ((t - m.start) / spanMs) * PLOT;
  const rows: string[] = [];
  let y = AXIS_H;

  const bar = (cls: string, from: number, to: number, top: number, h: number): string =>
    `<rect class="${cls}" x="${f1(x(from))}" y="${f1(top)}" width="${f1(Math.max(1, x(to) - x(from)))}" height="${f1(h)}"/>`;

  for (const wave of m.waves) {
    const top = y;
    const est = wave.estimateSeconds;
    const actualMs = wave.start !== undefined && wave.end !== undefined ? wave.end - wave.start : undefined;
    const label = `Wave ${wave.index} · ${wave.status}${actualMs !== undefined ? ` · ${formatSeconds(actualMs)}` : ''}${est !== undefined ? ` (est. ${formatEstimate(est)})` : ''}`;
    const parts = [`<rect class="lane-bg" x="0" y="${top}" width="${W}" height="${WAVE_H}"/>`, `<text x="8" y="${top + 19}" font-weight="600">${escapeHtml(label)}</text>`];
    if (wave.start !== undefined) {
      if (est !== undefined) parts.push(bar('estimate-bar', wave.start, wave.start + est * 1000, top + 6, WAVE_H - 12));
      parts.push(bar('actual-bar', wave.start, wave.end ?? m.end, top + 10, WAVE_H - 20));
    }
    rows.push(`<g class="lane lane-wave" data-lane="wave" data-wave="${wave.index}" data-status="${wave.status}"${actualMs !== undefined ? ` data-actual-ms="${actualMs}"` : ''}${est !== undefined ? ` data-estimate-seconds="${est}"` : ''}>${parts.join('')}</g>`);
    y += WAVE_H;

    for (const name of wave.nodes) {
      const n = m.nodes.find((nd) => nd.name === name);
      const ntop = y;
      const np = [`<text x="20" y="${ntop + 17}">node ${escapeHtml(name)}</text>`];
      if (n?.cordonAt !== undefined) {
        np.push(bar('cordoned', n.cordonAt, n.uncordonAt ?? wave.end ?? m.end, ntop + 4, NODE_H - 8));
        np.push(`<path class="mark-cordon" d="M${f1(x(n.cordonAt) - 5)},${ntop + 3}h10l-5,8z"><title>cordoned ${isoSeconds(n.cordonAt)}</title></path>`);
      }
      if (n?.afterEach) {
        np.push(`<g data-after-each="${n.afterEach.exitCode ?? 'running'}"><title>afterEach${n.afterEach.exitCode !== undefined ? `, exit code ${n.afterEach.exitCode}` : ''}</title>${bar('after-each', n.afterEach.start, n.afterEach.end ?? m.end, ntop + 8, NODE_H - 16)}</g>`);
      }
      if (n?.uncordonAt !== undefined) np.push(`<path class="mark-uncordon" d="M${f1(x(n.uncordonAt) - 5)},${ntop + NODE_H - 3}h10l-5,-8z"><title>uncordoned ${isoSeconds(n.uncordonAt)}</title></path>`);
      rows.push(`<g class="lane lane-node" data-lane="node" data-node="${escapeHtml(name)}" data-wave="${wave.index}"${n?.cordonAt !== undefined ? ' data-cordoned="true"' : ''}${n?.uncordonAt !== undefined ? ' data-uncordoned="true"' : ''}>${np.join('')}</g>`);
      y += NODE_H;
    }

    for (const w of m.workloads.filter((wl) => wl.wave === wave.index)) {
      rows.push(workloadLane(w, y, x, m.end));
      y += WL_H;
    }
    rows.push(`<line class="lane-sep" x1="0" x2="${W}" y1="${y}" y2="${y}"/>`);
  }

  // Axis and grid.
  const stepS = niceStep(spanMs / 1000);
  const axis: string[] = [];
  for (let s = 0; s * 1000 <= spanMs; s += stepS) {
    const tx = f1(x(m.start + s * 1000));
    axis.push(`<line class="grid" x1="${tx}" x2="${tx}" y1="${AXIS_H - 6}" y2="${y}"/><text class="small" x="${tx}" y="${AXIS_H - 12}" text-anchor="middle">${formatSeconds(s * 1000)}</text>`);
  }
  if (m.outcome.status === 'failed' || m.outcome.status === 'interrupted') {
    const sx = f1(x(m.outcome.at));
    axis.push(`<g class="stop" data-stop="${m.outcome.status}"><line class="stop-marker" x1="${sx}" x2="${sx}" y1="${AXIS_H - 6}" y2="${y}"/><text class="stop-label" x="${sx}" y="${y - 4}" text-anchor="end">stopped here (${m.outcome.status}) </text></g>`);
  }
  const height = y + 8;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="apply timeline" data-span-ms="${spanMs}">${axis.join('')}${rows.join('')}</svg>`;

  const title = `sdrain apply report${m.maintenance ? `: ${m.maintenance}` : ''}`;
  const totalMs = m.outcome.at - m.start;
  const out: string[] = [];
  out.push('<!doctype html>', '<html lang="en"><head><meta charset="utf-8">', `<meta name="viewport" content="width=device-width,initial-scale=1">`, `<title>${escapeHtml(title)}</title>`, `<style>${CSS}</style></head><body>`);
  out.push(`<h1>${escapeHtml(title)} <span class="verdict ${m.outcome.status}" data-outcome="${m.outcome.status}">${escapeHtml(m.outcome.status)}</span></h1>`);
  out.push(
    `<p class="meta">Plan <code>${escapeHtml(m.digest ?? 'unknown')}</code> · started ${isoSeconds(m.start)} · ${formatSeconds(totalMs)}${m.estimateSeconds !== undefined ? ` (estimated ${formatEstimate(m.estimateSeconds)}${estimateError(m.estimateSeconds, m.outcome.status === 'done' ? totalMs : undefined) ? `, ${estimateError(m.estimateSeconds, totalMs)}` : ''})` : ''} · ${m.eventCount} events</p>`,
  );
  if (m.outcome.message) out.push(`<p class="meta"><strong>${m.outcome.status === 'failed' ? 'Failed' : 'Interrupted'}:</strong> ${escapeHtml(m.outcome.message.split('\n')[0]!)}</p>`);
  out.push('<h2>Timeline</h2>', svg);
  out.push(
    '<p class="legend small">',
    '<span><i class="sw" style="background:#0969da"></i>actual</span>',
    '<span><i class="sw" style="border:1px dashed #8c959f"></i>estimated</span>',
    '<span><i class="sw" style="background:#54aeff;opacity:.6"></i>ready pods</span>',
    '<span><i class="sw" style="border-top:2px dashed #1a7f37"></i>full strength</span>',
    '<span><i class="sw" style="border-top:2px solid #cf222e"></i>floor (plan)</span>',
    '<span><i class="sw" style="background:#cf222e;opacity:.5"></i>below the floor</span>',
    '<span><i class="sw" style="background:#fff1e5"></i>cordoned (▼ cordon, ▲ uncordon)</span>',
    '<span><i class="sw" style="background:#8250df;opacity:.6"></i>afterEach</span>',
    '</p>',
  );
  out.push(...summaryTables(m));
  out.push(`<p class="meta">Written by sdrain${opts.toolVersion ? ` ${escapeHtml(opts.toolVersion)}` : ''} from the apply's events (schemas/apply-events.schema.json). Self-contained: no scripts, no network.</p>`);
  out.push('</body></html>');
  return out.join('\n') + '\n';
}

function workloadLane(w: ReportWorkload, top: number, x: (t: number) => number, until: number): string {
  const maxY = Math.max(1, w.replicas, ...w.samples.map((s) => s.ready));
  const plotTop = top + 20;
  const plotH = WL_H - 28;
  const yv = (v: number): number => plotTop + plotH - (v / maxY) * plotH;
  const est = w.estimateSeconds;
  const actualMs = w.start !== undefined && w.end !== undefined ? w.end - w.start : undefined;
  const below = w.minReady !== null && w.minReady < w.floor;
  const label = `${w.label} · ${w.method}`;
  const sub = `floor ${w.floor}/${w.replicas} · min ${w.minReady ?? '-'} · ${actualMs !== undefined ? formatSeconds(actualMs) : w.status}${est !== undefined ? ` (est. ${formatEstimate(est)})` : ''}`;
  const p: string[] = [`<text x="20" y="${top + 16}">${escapeHtml(label)}</text>`, `<text class="small${below ? ' dip-marker' : ''}" x="20" y="${top + 32}">${escapeHtml(sub)}</text>`];
  if (w.start === undefined) {
    p.push(`<text class="not-started" x="${LABEL + 8}" y="${top + 40}">not started</text>`);
  } else {
    const end = w.end ?? until;
    if (est !== undefined) p.push(`<rect class="estimate-bar" x="${f1(x(w.start))}" y="${top + 4}" width="${f1(Math.max(1, x(w.start + est * 1000) - x(w.start)))}" height="8"/>`);
    p.push(`<rect class="actual-bar" x="${f1(x(w.start))}" y="${top + 6}" width="${f1(Math.max(1, x(end) - x(w.start)))}" height="4"/>`);
    if (w.samples.length > 0) {
      // Step chart of the ready count: each value holds until the next sample.
      let d = '';
      let area = `M${f1(x(w.samples[0]!.at))},${f1(yv(0))}`;
      w.samples.forEach((s, i) => {
        const sx = f1(x(s.at));
        const nx = f1(x(w.samples[i + 1]?.at ?? end));
        d += `${i === 0 ? 'M' : 'L'}${sx},${f1(yv(s.ready))}L${nx},${f1(yv(s.ready))}`;
        area += `L${sx},${f1(yv(s.ready))}L${nx},${f1(yv(s.ready))}`;
      });
      area += `L${f1(x(end))},${f1(yv(0))}Z`;
      p.push(`<path class="ready-area" d="${area}"/>`, `<path class="ready-line" d="${d}"/>`);
    }
    const x0 = f1(x(w.start));
    const x1 = f1(x(end));
    p.push(`<line class="full-line" x1="${x0}" x2="${x1}" y1="${f1(yv(w.replicas))}" y2="${f1(yv(w.replicas))}"><title>full strength ${w.replicas}</title></line>`);
    p.push(`<line class="floor-line" x1="${x0}" x2="${x1}" y1="${f1(yv(w.floor))}" y2="${f1(yv(w.floor))}"><title>floor ${w.floor}</title></line>`);
    for (const dip of dipsBelowFloor(w, until)) {
      p.push(`<g class="dip-group" data-dip-from="${dip.from}" data-dip-to="${dip.to}" data-dip-ready="${dip.ready}">`);
      p.push(`<rect class="dip" x="${f1(x(dip.from))}" y="${f1(yv(w.floor))}" width="${f1(Math.max(3, x(dip.to) - x(dip.from)))}" height="${f1(yv(0) - yv(w.floor))}"/>`);
      p.push(`<text class="dip-marker" x="${f1(x(dip.from))}" y="${f1(yv(0) + 8)}">▼ below floor: ${dip.ready}/${w.floor} for ${formatSeconds(dip.to - dip.from)}</text></g>`);
    }
    for (const s of w.steps) {
      const sx = f1(x(s.at));
      const what = `${s.step}${s.pod ? ` ${s.pod}` : ''}${s.replicas !== undefined ? ` → ${s.replicas}` : ''}`;
      p.push(`<line class="step step-${s.step}" data-step="${s.step}" x1="${sx}" x2="${sx}" y1="${plotTop - 4}" y2="${plotTop + plotH}"><title>${escapeHtml(`${what} at ${isoSeconds(s.at)}`)}</title></line>`);
    }
  }
  const attrs = [
    `data-lane="workload"`,
    `data-workload="${escapeHtml(w.label)}"`,
    `data-wave="${w.wave}"`,
    `data-method="${w.method}"`,
    `data-floor="${w.floor}"`,
    `data-full="${w.replicas}"`,
    `data-status="${w.status}"`,
    w.minReady !== null ? `data-min-ready="${w.minReady}"` : '',
    below ? 'data-below-floor="true"' : '',
    actualMs !== undefined ? `data-actual-ms="${actualMs}"` : '',
    est !== undefined ? `data-estimate-seconds="${est}"` : '',
  ].filter(Boolean);
  return `<g class="lane lane-workload" ${attrs.join(' ')}>${p.join('')}</g>`;
}

function summaryTables(m: ReportModel): string[] {
  const out = ['<h2>Summary</h2>', '<table class="waves"><thead><tr><th>Wave</th><th>Nodes</th><th>Status</th><th>Time</th><th>Estimate</th><th>Error</th></tr></thead><tbody>'];
  for (const w of m.waves) {
    const ms = w.start !== undefined && w.end !== undefined ? w.end - w.start : undefined;
    out.push(
      `<tr><td class="num">${w.index}</td><td>${escapeHtml(w.nodes.join(', '))}</td><td>${w.status}</td><td class="num">${ms !== undefined ? formatSeconds(ms) : '-'}</td><td class="num">${w.estimateSeconds !== undefined ? formatEstimate(w.estimateSeconds) : '-'}</td><td class="num">${estimateError(w.estimateSeconds, ms) || '-'}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  out.push('<table class="workloads"><thead><tr><th>Wave</th><th>Workload</th><th>Method</th><th>Pods</th><th>Floor</th><th>Min ready</th><th>Status</th><th>Time</th><th>Estimate</th><th>Error</th></tr></thead><tbody>');
  for (const w of m.workloads) {
    const ms = w.start !== undefined && w.end !== undefined ? w.end - w.start : undefined;
    const below = w.minReady !== null && w.minReady < w.floor;
    out.push(
      `<tr data-workload="${escapeHtml(w.label)}"><td class="num">${w.wave}</td><td>${escapeHtml(w.label)}</td><td>${w.method}</td><td class="num">${w.pods.length}</td><td class="num">${w.floor}/${w.replicas}</td><td class="num${below ? ' below' : ''}">${w.minReady ?? '-'}${below ? ' (below floor)' : ''}</td><td>${w.status}${w.message ? `: ${escapeHtml(w.message.split('\n')[0]!)}` : ''}</td><td class="num">${ms !== undefined ? formatSeconds(ms) : '-'}</td><td class="num">${w.estimateSeconds !== undefined ? formatEstimate(w.estimateSeconds) : '-'}</td><td class="num">${w.status === 'done' ? estimateError(w.estimateSeconds, ms) || '-' : '-'}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  return out;
}

/** The report of one apply from its events (and, when given, its plan). */
export function renderApplyReport(events: readonly ApplyEvent[], plan?: Plan, opts: { toolVersion?: string } = {}): string {
  return renderReportHtml(buildReportModel(events, plan), opts);
}

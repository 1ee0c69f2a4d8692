/**
 * How the renderings show the plan's duration estimate: "~3 min", marked "(default start-up)"
 * when a stated default stood in for a missing fact, "+ afterEach unknown" when nothing says how
 * long afterEach takes, and per move which shutdown it assumes ("stop 1 s assumed", "stop 5 s
 * per spec", "stop 11 s by preStop"). Pure; shared by the table, Markdown and the Mermaid timeline.
 */
import type { Action, EstimateBasis, Plan, Wave } from '../model/plan.js';
import { formatEstimate } from '../plan/estimate-duration.js';

export { formatEstimate };

function basisNote(basis: EstimateBasis): string {
  return basis === 'default' ? ' (default start-up)' : basis === 'unknown' ? ' + afterEach unknown' : '';
}

const SHUTDOWN_LABEL = { default: 'assumed', spec: 'per spec', observed: 'by preStop' } as const;

/** "stop 1 s assumed": the shutdown a move's estimate rests on; '' for plans written before it was recorded. */
export function shutdownNote(a: Action): string {
  const e = a.estimate;
  if (!e?.shutdownBasis) return '';
  return `stop ${Math.round(e.shutdownSeconds * 10) / 10} s ${SHUTDOWN_LABEL[e.shutdownBasis]}`;
}

export function actionEstimateText(a: Action): string {
  if (!a.estimate) return '-';
  const notes = [a.estimate.basis === 'default' ? 'default start-up' : '', shutdownNote(a)].filter(Boolean);
  return `${formatEstimate(a.estimate.seconds)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

export function waveEstimateText(w: Wave): string {
  return w.estimate ? `${formatEstimate(w.estimate.seconds)}${basisNote(w.estimate.basis)}` : '-';
}

export function planEstimateText(plan: Plan): string {
  const e = plan.estimate;
  if (!e) return 'not estimated (plan written before estimates existed)';
  const upTo = e.maxSeconds !== undefined && formatEstimate(e.maxSeconds) !== formatEstimate(e.seconds) ? `, up to ${formatEstimate(e.maxSeconds)} with whole grace periods` : '';
  return `total ${formatEstimate(e.seconds)}${basisNote(e.basis)}${upTo}`;
}

/**
 * How the renderings show the plan's duration estimate: "~3 min", marked "(default)" when a
 * stated default stood in for a missing fact, "+ afterEach unknown" when nothing says how long
 * afterEach takes. Pure; shared by the table, Markdown and the Mermaid timeline.
 */
import type { Action, EstimateBasis, Plan, Wave } from '../model/plan.js';
import { formatEstimate } from '../plan/estimate-duration.js';

export { formatEstimate };

function basisNote(basis: EstimateBasis): string {
  return basis === 'default' ? ' (default start-up)' : basis === 'unknown' ? ' + afterEach unknown' : '';
}

export function actionEstimateText(a: Action): string {
  return a.estimate ? `${formatEstimate(a.estimate.seconds)}${basisNote(a.estimate.basis)}` : '-';
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

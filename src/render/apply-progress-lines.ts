/**
 * Apply progress as plain timestamped lines for stderr off a TTY (CI logs): one line per event
 * that matters, each naming its wave, node or workload so a line stands alone. Pure.
 */
import type { ApplyEvent } from '../apply/apply-event.js';
import type { ObjectRef } from '../model/k8s.js';
import { PLAN_FORMAT_VERSION } from '../model/plan.js';
import { formatEstimate } from '../plan/estimate-duration.js';

export function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** `2026-11-27T17:20:01Z` (seconds are enough for a log). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** " (estimated ~3 min)" when the plan had an estimate. */
function estimated(seconds: number | undefined): string {
  return seconds === undefined ? '' : ` (estimated ${formatEstimate(seconds)})`;
}

const STEP_TEXT = {
  'scale-up': 'scaled up',
  'scale-back': 'scaled back',
  restart: 'restarted (rollout)',
  evicted: 'evicted',
  deleted: 'deleted',
} as const;

export function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The message of an event, or undefined for events not worth a line. */
export function describeApplyEvent(e: ApplyEvent): string | undefined {
  switch (e.type) {
    case 'refused':
      return undefined; // the CLI prints the error itself
    case 'other-version':
      return `the plan was written by sdrain ${e.planVersion}${e.formatVersion !== PLAN_FORMAT_VERSION ? ` (plan format ${e.formatVersion})` : ''}; this is sdrain ${e.toolVersion}: it is applied only if sdrain ${e.toolVersion} plans the same`;
    case 'start':
      return `applying plan ${e.digest}: ${e.waves} wave(s), ${e.nodes} node(s)${estimated(e.estimateSeconds)}`;
    case 'lock-acquired':
      return 'lock acquired';
    case 'drift-checked':
      return e.resumed ? 'no drift beyond this plan\'s own earlier progress: resuming' : 'no drift: the cluster still gives the reviewed plan';
    case 'already-applied':
      return 'this plan is already fully applied: nothing to do';
    case 'wave-start':
      return `wave ${e.wave}: start (${e.nodes.join(', ')})${estimated(e.estimateSeconds)}`;
    case 'wave-skipped':
      return `wave ${e.wave}: skipped, ${e.reason}`;
    case 'node-cordoned':
      return `wave ${e.wave}: node ${e.node} ${e.already ? 'already cordoned by this plan' : 'cordoned'}`;
    case 'workload-start':
      return `wave ${e.wave}: ${refText(e.workload)}: ${e.method} ${e.pods.length} pod(s): ${e.pods.join(', ')}`;
    case 'workload-progress':
      return `wave ${e.wave}: ${refText(e.workload)}: ${e.desired ? `${e.ready}/${e.desired} ready, ` : ''}${e.podsLeft} pod(s) left on the node(s) — ${e.phase}`;
    case 'workload-step':
      return `wave ${e.wave}: ${refText(e.workload)}: ${STEP_TEXT[e.step]}${e.pod ? ` ${e.pod}` : ''}${e.replicas !== undefined ? ` to ${e.replicas} replica(s)` : ''}`;
    case 'evict-retry':
      return `wave ${e.wave}: ${refText(e.workload)}: eviction of ${e.pod} refused, will retry: ${e.message}`;
    case 'workload-done':
      return `wave ${e.wave}: ${refText(e.workload)}: done in ${formatSeconds(e.ms)}${e.minReady !== null ? ` (min ready ${e.minReady}, floor ${e.expectedMinReady})` : ''}${estimated(e.estimateSeconds)}`;
    case 'workload-failed':
      return `wave ${e.wave}: ${refText(e.workload)}: FAILED: ${e.message}`;
    case 'rollback':
      return `wave ${e.wave}: ${refText(e.workload)}: rolled back: ${e.message}`;
    case 'after-each-start':
      return `wave ${e.wave}: node ${e.node}: running afterEach: ${e.command.join(' ')}`;
    case 'after-each-output':
      return `node ${e.node} ${e.stream}: ${e.text.replace(/\n$/, '')}`;
    case 'after-each-done':
      return `node ${e.node}: afterEach exited with code ${e.exitCode}`;
    case 'node-ready':
      return `node ${e.node}: Ready`;
    case 'node-uncordoned':
      return `node ${e.node}: uncordoned`;
    case 'wave-done':
      return `wave ${e.wave}: done in ${formatSeconds(e.ms)}${estimated(e.estimateSeconds)}`;
    case 'warning':
      return `warning: ${e.message}`;
    case 'failed':
      return `FAILED: ${e.message.split('\n')[0]}`;
    case 'interrupted':
      return `interrupted: ${e.message.split('\n')[0]}`;
    case 'done':
      return `done in ${formatSeconds(e.ms)}`;
  }
}

/** One timestamped line (with newline), or '' when the event gets no line. */
export function formatProgressLine(e: ApplyEvent): string {
  const msg = describeApplyEvent(e);
  if (msg === undefined) return '';
  return msg
    .split('\n')
    .map((l) => `${isoSeconds(e.at)} ${l}`)
    .join('\n') + '\n';
}

/**
 * Reads `apply --events` NDJSON back into ApplyEvents (for `sdrain report`): `time` becomes the
 * event's `at`. Lines that are not JSON objects with a known `type` and a valid `time` are
 * collected as problems with their line numbers, all at once; unknown types are skipped (the
 * format only grows). Pure.
 */
import type { ApplyEvent, ApplyEventType } from '../apply/apply-event.js';

const TYPES: ReadonlySet<ApplyEventType> = new Set<ApplyEventType>([
  'start', 'lock-acquired', 'drift-checked', 'already-applied', 'wave-start', 'wave-skipped', 'node-cordoned',
  'workload-start', 'workload-step', 'workload-progress', 'evict-retry', 'workload-done', 'workload-failed', 'rollback',
  'after-each-start', 'after-each-output', 'after-each-done', 'node-ready', 'node-uncordoned', 'wave-done', 'warning', 'failed',
  'interrupted', 'done',
]);

export interface ParsedEvents {
  events: ApplyEvent[];
  /** `line N: what is wrong`, in line order. */
  problems: string[];
}

export function parseEventsNdjson(text: string): ParsedEvents {
  const events: ApplyEvent[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push(`line ${i + 1}: not a JSON object`);
      return;
    }
    const { time, ...rest } = v as Record<string, unknown>;
    const at = typeof time === 'string' ? Date.parse(time) : NaN;
    if (!Number.isFinite(at)) {
      problems.push(`line ${i + 1}: "time" must be an RFC 3339 date-time`);
      return;
    }
    if (typeof rest.type !== 'string') {
      problems.push(`line ${i + 1}: "type" is missing`);
      return;
    }
    if (!TYPES.has(rest.type as ApplyEventType)) return;
    events.push({ ...rest, at } as unknown as ApplyEvent);
  });
  return { events, problems };
}

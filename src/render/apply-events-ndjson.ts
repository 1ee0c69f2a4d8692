/**
 * `apply --events FILE|-`: one JSON object per line per event, for machines. Field names are
 * the ApplyEvent's, plus `time` (RFC 3339 with milliseconds) in place of the clock's `at`.
 * Keys are sorted so identical events give identical lines. Pure.
 */
import type { ApplyEvent } from '../apply/apply-event.js';
import { canonicalize } from '../planfile/canonical-json.js';

export function formatEventNdjson(e: ApplyEvent): string {
  const { at, ...rest } = e;
  return JSON.stringify(canonicalize({ ...rest, time: new Date(at).toISOString() })) + '\n';
}

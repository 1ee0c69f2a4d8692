/**
 * Durations in the spec (`30s`, `5m`, `1h30m`, `2h`): whole hours, minutes and seconds, each at
 * most once and in that order. Deliberately narrower than Go's time.ParseDuration (no fractions,
 * no ms/us/ns, no sign): a maintenance timeout below a second or negative is always a mistake.
 */

const DURATION_RE = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** The duration in seconds, or undefined when `text` is not a duration. `0s` gives 0. */
export function parseDuration(text: string): number | undefined {
  if (text === '') return undefined;
  const m = DURATION_RE.exec(text);
  if (!m) return undefined;
  const [, h = '0', min = '0', s = '0'] = m;
  const seconds = Number(h) * 3600 + Number(min) * 60 + Number(s);
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** The shortest spec form of a number of seconds: 5400 → "1h30m", 0 → "0s". */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

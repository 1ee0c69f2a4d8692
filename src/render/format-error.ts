/**
 * Turns any thrown value into the text a user sees: message, every diagnostic with its file,
 * line, column and field, and a hint. Pure. Never prints headers or tokens, and a stack trace
 * only for a bug and only when asked (SDRAIN_DEBUG, read by the CLI and passed as `debug`).
 */
import { SdrainError, InputError, ClusterError, DriftError } from '../errors.js';
import { redact } from '../redact.js';

export interface FormatErrorOptions {
  color?: boolean;
  /** The command that ran ("plan", "apply"), named in a bug report. */
  command?: string;
  /** The sdrain version, named in a bug report. */
  version?: string;
  /** SDRAIN_DEBUG set: a bug also prints its stack, and any error its cause chain. */
  debug?: boolean;
}

function loc(d: { file: string; line?: number; column?: number }): string {
  return `${d.file}${d.line !== undefined ? `:${d.line}` : ''}${d.line !== undefined && d.column !== undefined ? `:${d.column}` : ''}`;
}

/** True for what the CLI reports as "a bug in sdrain": an InternalError or anything not an SdrainError. */
export function isBug(err: unknown): boolean {
  return !(err instanceof SdrainError) || err.code === 'INTERNAL';
}

/** The first line of a thrown value's message (redacted), for a bug report's one-line cause. */
function oneLineCause(err: unknown): string {
  const e = err instanceof SdrainError && err.code === 'INTERNAL' && err.cause !== undefined ? err.cause : err;
  const text = e instanceof Error ? `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}` : String(e);
  const first = redact(text.split('\n')[0] ?? '');
  return err instanceof SdrainError && err.code === 'INTERNAL' && e !== err ? `${err.message}: ${first}` : first;
}

export function formatError(err: unknown, opts: FormatErrorOptions | boolean = {}): string {
  const o: FormatErrorOptions = typeof opts === 'boolean' ? { color: opts } : opts;
  const red = (s: string) => (o.color ? `\u001b[31m${s}\u001b[39m` : s);
  const lines: string[] = [];
  if (isBug(err)) {
    const where = [o.version ? `sdrain ${o.version}` : 'sdrain', o.command ? `command "${o.command}"` : undefined].filter(Boolean).join(', ');
    lines.push(`${red('error:')} this is a bug in sdrain (${where}): ${oneLineCause(err)}`);
    if (o.debug) {
      const stack = (err instanceof SdrainError && err.cause instanceof Error ? err.cause : err instanceof Error ? err : undefined)?.stack;
      if (stack) lines.push(redact(stack));
    }
    lines.push(`hint: Please report it with the command you ran${o.debug ? ' and the stack above' : '; set SDRAIN_DEBUG=1 to print the stack trace'}.`);
    return lines.join('\n') + '\n';
  }
  const e = err as SdrainError;
  lines.push(`${red('error:')} ${e.message}`);
  if (e instanceof InputError) {
    for (const d of e.diagnostics) {
      const where = [loc(d), d.field ? `field ${d.field}` : undefined, d.object].filter(Boolean).join(': ');
      lines.push(`  ${where}: ${d.message}`);
    }
  } else if (e instanceof ClusterError && e.status !== undefined) {
    lines.push(`  (HTTP ${e.status}${e.reason ? ` ${e.reason}` : ''})`);
  } else if (e instanceof DriftError) {
    const shown = e.changed.slice(0, 20);
    lines.push(`Changed: ${shown.join(', ')}${e.changed.length > shown.length ? `, … (${e.changed.length} in all)` : ''}`);
    if (e.diff) lines.push(e.diff);
  }
  if (o.debug) {
    for (let c = e.cause, depth = 0; c !== undefined && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
      lines.push(`  caused by: ${redact((c instanceof Error ? `${c.name}: ${c.message}` : String(c)).split('\n')[0] ?? '')}`);
    }
  }
  if (e.hint) lines.push(`hint: ${e.hint}`);
  return lines.join('\n') + '\n';
}

/** Exit codes: 3 = apply refused before any change, 130 = interrupted, otherwise 1. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof SdrainError) {
    if (err.code === 'PLAN_REFUSED' || err.code === 'DRIFT' || err.code === 'LOCKED') return 3;
    if (err.code === 'INTERRUPTED') return 130;
  }
  return 1;
}

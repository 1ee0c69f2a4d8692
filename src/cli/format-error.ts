/**
 * Turns any thrown value into the text a user sees: message, every diagnostic with its file,
 * line, column and field, and a hint. Pure. Never prints a stack trace, headers or tokens.
 */
import { SdrainError, InputError, ClusterError } from '../errors.js';

function loc(d: { file: string; line?: number; column?: number }): string {
  return `${d.file}${d.line !== undefined ? `:${d.line}` : ''}${d.line !== undefined && d.column !== undefined ? `:${d.column}` : ''}`;
}

export function formatError(err: unknown, color = false): string {
  const red = (s: string) => (color ? `\u001b[31m${s}\u001b[39m` : s);
  const lines: string[] = [];
  if (err instanceof InputError) {
    lines.push(`${red('error:')} ${err.message}`);
    for (const d of err.diagnostics) {
      const where = [loc(d), d.field ? `field ${d.field}` : undefined, d.object].filter(Boolean).join(': ');
      lines.push(`  ${where}: ${d.message}`);
    }
  } else if (err instanceof SdrainError) {
    lines.push(`${red('error:')} ${err.message}`);
    if (err instanceof ClusterError && err.status !== undefined) lines.push(`  (HTTP ${err.status}${err.reason ? ` ${err.reason}` : ''})`);
  } else if (err instanceof Error) {
    lines.push(`${red('error:')} ${err.message}`);
  } else {
    lines.push(`${red('error:')} ${String(err)}`);
  }
  if (err instanceof SdrainError && err.hint) lines.push(`hint: ${err.hint}`);
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

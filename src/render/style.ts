/**
 * Colour for terminal renderings, enabled only when the caller says so (CliIO.color: a TTY and
 * no NO_COLOR). picocolors' own detection is bypassed so output never depends on the
 * environment the renderer happens to run in.
 */
import pc from 'picocolors';
import type { Severity } from '../model/plan.js';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  severity(sev: Severity, s: string): string;
}

/** A style that colours only when `color` is true. */
export function makeStyle(color: boolean): Style {
  const c = pc.createColors(color);
  return {
    bold: (s) => c.bold(s),
    dim: (s) => c.dim(s),
    red: (s) => c.red(s),
    yellow: (s) => c.yellow(s),
    green: (s) => c.green(s),
    cyan: (s) => c.cyan(s),
    severity: (sev, s) => (sev === 'error' ? c.red(c.bold(s)) : sev === 'warning' ? c.yellow(s) : c.dim(s)),
  };
}

/** Findings in one deterministic order: wave, severity (error first), code, object, node, message. */
import type { Finding, Severity } from '../model/plan.js';
import { compareRefs, compareStrings } from './compare.js';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.wave ?? 0) - (b.wave ?? 0) ||
    RANK[a.severity] - RANK[b.severity] ||
    compareStrings(a.code, b.code) ||
    compareRefs(a.object, b.object) ||
    compareStrings(a.node ?? '', b.node ?? '') ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.hint ?? '', b.hint ?? '')
  );
}

/** Sorted, with exact duplicates removed. */
export function sortFindings(findings: Finding[]): Finding[] {
  const sorted = [...findings].sort(compareFindings);
  return sorted.filter((f, i) => i === 0 || compareFindings(sorted[i - 1]!, f) !== 0);
}

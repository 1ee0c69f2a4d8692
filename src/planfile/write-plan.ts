/**
 * Turns a planned Plan into the bytes of a plan file. Pure: the CLI writes the file.
 */
import type { Plan } from '../model/plan.js';
import { canonicalJson } from './canonical-json.js';
import { computeDigest } from './digest.js';

/** The plan with its digest filled in (whatever digest it carried is replaced). */
export function sealPlan(plan: Plan): Plan {
  return { ...plan, digest: computeDigest(plan) };
}

/**
 * The plan file text: canonical JSON with the digest computed. Returns the sealed plan too,
 * parsed back from the text, so callers render exactly what was written.
 */
export function writePlan(plan: Plan): { text: string; plan: Plan } {
  const text = canonicalJson(sealPlan(plan));
  return { text, plan: JSON.parse(text) as Plan };
}

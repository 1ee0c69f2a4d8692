/**
 * Turns a planned Plan into the bytes of a plan file. Pure: the CLI writes the file.
 */
import type { Plan } from '../model/plan.js';
import { computeDigest, digestOfUnsealed, unsealedText } from './digest.js';

const DIGEST_LINE = '\n  "digest": ""';

/** The plan with its digest filled in (whatever digest it carried is replaced). */
export function sealPlan(plan: Plan): Plan {
  return { ...plan, digest: computeDigest(plan) };
}

/**
 * The plan file text: canonical JSON with the digest computed. Returns the sealed plan too,
 * parsed back from the text, so callers render exactly what was written.
 */
export function writePlan(plan: Plan): { text: string; plan: Plan } {
  // One canonical text serves both: hashed as the digest's definition says, then written with
  // the digest filled in.
  const unsealed = unsealedText(plan);
  const digest = digestOfUnsealed(unsealed);
  // The top-level "digest" member is the only line with exactly two spaces of indent before
  // that key (nested keys are indented further; strings cannot hold a raw newline), so filling
  // it into the hashed text gives exactly the text of the sealed plan without a second pass.
  const at = unsealed.indexOf(DIGEST_LINE);
  if (at < 0) throw new Error('internal error: the canonical plan text has no top-level digest line');
  const text = `${unsealed.slice(0, at)}\n  "digest": ${JSON.stringify(digest)}${unsealed.slice(at + DIGEST_LINE.length)}`;
  return { text, plan: JSON.parse(text) as Plan };
}

/**
 * Turns a planned Plan into the bytes of a plan file. Pure: the CLI writes the file.
 */
import type { Plan } from '../model/plan.js';
import { createHash } from 'node:crypto';
import { canonicalize, canonicalText } from './canonical-json.js';
import { computeDigest, DIGEST_PREFIX } from './digest.js';

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
  // One canonical copy serves both texts: hashed with digest "" (computeDigest's definition),
  // then written with the digest filled in — setting an existing key keeps the sorted order.
  const sorted = canonicalize({ ...plan, digest: '' }) as Record<string, unknown>;
  const unsealed = canonicalText(sorted);
  const digest = DIGEST_PREFIX + createHash('sha256').update(unsealed, 'utf8').digest('hex');
  // The top-level "digest" member is the only line with exactly two spaces of indent before
  // that key (nested keys are indented further; strings cannot hold a raw newline), so filling
  // it into the hashed text gives exactly the text of the sealed plan without a second pass.
  const at = unsealed.indexOf(DIGEST_LINE);
  let text: string;
  if (at >= 0) text = `${unsealed.slice(0, at)}\n  "digest": ${JSON.stringify(digest)}${unsealed.slice(at + DIGEST_LINE.length)}`;
  else {
    sorted.digest = digest;
    text = canonicalText(sorted);
  }
  return { text, plan: JSON.parse(text) as Plan };
}

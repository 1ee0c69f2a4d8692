/**
 * Turns a planned Plan into the bytes of a plan file. Pure: the CLI writes the file.
 */
import type { Plan } from '../model/plan.js';
import { createHash } from 'node:crypto';
import { canonicalize, canonicalText } from './canonical-json.js';
import { computeDigest, DIGEST_PREFIX } from './digest.js';

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
  sorted.digest = DIGEST_PREFIX + createHash('sha256').update(canonicalText(sorted), 'utf8').digest('hex');
  const text = canonicalText(sorted);
  return { text, plan: JSON.parse(text) as Plan };
}

/**
 * The plan digest, which reviewers pin (`apply --expect-digest`) and apply recomputes to refuse
 * an edited file.
 *
 * Definition (a public contract — changing it needs a new PLAN_FORMAT_VERSION):
 *   digest = "sha256:" + lowercase hex SHA-256 of the UTF-8 bytes of canonicalJson(plan with
 *   `digest` set to "")
 * i.e. exactly the bytes the plan file would contain if its digest field were the empty
 * string (keys sorted, 2-space indent, trailing newline). To check a file by hand:
 *   jq -S '.digest=""' plan.json | sha256sum
 * (jq -S uses the same key order and indent for the ASCII keys sdrain writes).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export const DIGEST_PREFIX = 'sha256:';
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** Computes the digest of a plan-like object, ignoring whatever its `digest` field holds. */
export function computeDigest(plan: object): string {
  const text = canonicalJson({ ...plan, digest: '' });
  return DIGEST_PREFIX + createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A short form for humans (first 12 hex digits), never for comparison. */
export function shortDigest(digest: string): string {
  return digest.startsWith(DIGEST_PREFIX) ? digest.slice(0, DIGEST_PREFIX.length + 12) : digest;
}

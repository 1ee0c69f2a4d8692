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

/** The text the digest is taken of: the plan's canonical JSON with `digest` set to "". */
export function unsealedText(plan: object): string {
  return canonicalJson({ ...plan, digest: '' });
}

/** The digest of an unsealedText. */
export function digestOfUnsealed(text: string): string {
  return DIGEST_PREFIX + createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Computes the digest of a plan-like object, ignoring whatever its `digest` field holds. */
export function computeDigest(plan: object): string {
  return digestOfUnsealed(unsealedText(plan));
}

/** A short form for humans (first 12 hex digits), never for comparison. */
export function shortDigest(digest: string): string {
  return digest.startsWith(DIGEST_PREFIX) ? digest.slice(0, DIGEST_PREFIX.length + 12) : digest;
}

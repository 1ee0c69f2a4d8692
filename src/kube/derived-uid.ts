/**
 * The UID given to an object that has none (hand-written files, dumps without uids): derived
 * from kind, namespace and name, so it is the same on every run, ownerReferences without a uid
 * can point at it, and a plan from a file and `sdrain sim --from` the same file agree on it.
 */
import { createHash } from 'node:crypto';

export function derivedUid(kind: string, namespace: string | undefined, name: string): string {
  const h = createHash('sha256').update(`${kind}/${namespace ?? ''}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

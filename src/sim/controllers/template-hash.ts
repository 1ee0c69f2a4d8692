/**
 * The pod-template hash that names a Deployment's ReplicaSets (`<deploy>-<hash>`, label
 * `pod-template-hash`). Upstream hashes the Go struct with FNV-32a and encodes the decimal
 * value with the "safe" alphabet; we hash the template's canonical JSON (sorted keys) the same
 * way, so equal templates always give the same name and any template change (including
 * `kubectl rollout restart`'s restartedAt annotation) gives a new one. The value differs from
 * a real cluster's hash for the same template; only its stability matters here.
 */
import type { PodTemplate } from '../../model/k8s.js';

/** The label (and RS selector term) carrying the template hash. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-32a over the UTF-8 bytes of `text`. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Like apimachinery's rand.SafeEncodeString: maps each character onto the safe alphabet. */
export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length]!;
  return out;
}

/** JSON with object keys sorted recursively, so the hash does not depend on key order. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    if (obj[k] === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${stableJson(obj[k])}`);
  }
  return `{${parts.join(',')}}`;
}

/** The template without the pod-template-hash label: what "equal ignoring hash" compares. */
export function templateWithoutHash(template: PodTemplate | undefined): PodTemplate | undefined {
  if (!template) return template;
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  const metadata = { ...(template.metadata ?? {}) };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  else delete metadata.labels;
  // Server-side noise that real dumps carry on templates but never changes what a pod runs.
  delete metadata.creationTimestamp;
  return { ...template, metadata };
}

/** ComputeHash(template, collisionCount): the RS name suffix and pod-template-hash value. */
export function computeTemplateHash(template: PodTemplate, collisionCount?: number): string {
  let text = stableJson(templateWithoutHash(template));
  if (collisionCount !== undefined && collisionCount !== null) text += `#${collisionCount}`;
  return safeEncode(String(fnv32a(text)));
}

/** EqualIgnoreHash: two templates are the same rollout target when equal but for the hash label. */
export function templatesEqualIgnoringHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return stableJson(templateWithoutHash(a)) === stableJson(templateWithoutHash(b));
}

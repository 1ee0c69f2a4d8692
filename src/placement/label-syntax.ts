/**
 * apimachinery's syntax rules for label keys and values, as `labels.NewRequirement` applies them
 * when a node selector term is parsed: a requirement that breaks them makes its whole term
 * match nothing (kube-scheduler's lazy-error node selector), however the node is labelled.
 */

/** A name segment: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
const NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** One DNS-1123 label of a subdomain. */
const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A valid label value: empty, or a name segment of at most 63 characters. */
export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME_RE.test(value));
}

/** A valid label key: `[prefix/]name`, prefix a DNS-1123 subdomain of at most 253 characters. */
export function isValidLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (name.length === 0 || name.length > 63 || !NAME_RE.test(name)) return false;
  if (slash < 0) return true;
  const prefix = key.slice(0, slash);
  return prefix.length > 0 && prefix.length <= 253 && prefix.split('.').every((l) => l.length <= 63 && DNS_LABEL_RE.test(l));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL_RE = /^[+-]?\d+$/;

/** `strconv.ParseInt(s, 10, 64)`: a decimal integer (optional sign) within int64; else undefined. */
export function parseInt64(s: string): bigint | undefined {
  if (!DECIMAL_RE.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/**
 * Kubernetes resource quantities (resource.Quantity) as exact integers.
 *
 * Why hand-written: client-node 1.4 keeps its `quantityToScalar` out of the package's public
 * index and it throws on fractional binary forms such as "1.5Gi" and on exponents ("129e6");
 * the npm alternatives are single-release packages without maintenance. The grammar is small
 * and fixed by apimachinery's `resource.ParseQuantity`.
 *
 * Values are returned scaled to an integer unit so sums are exact:
 * - `milli` for CPU-like resources (cpu: "250m" → 250, "2" → 2000)
 * - `units` for byte- and count-like resources ("1Gi" → 1073741824, "110" → 110), rounded up
 *   like the API server does for sub-unit amounts.
 */

const BINARY: Record<string, bigint> = {
  Ki: 1024n,
  Mi: 1024n ** 2n,
  Gi: 1024n ** 3n,
  Ti: 1024n ** 4n,
  Pi: 1024n ** 5n,
  Ei: 1024n ** 6n,
};
const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY_RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;

/** A quantity as a rational number num / 10^scale (exact). */
interface Exact {
  num: bigint;
  /** power of ten to divide by (may be negative = multiply). */
  scale: number;
}

function parseExact(text: string): Exact | undefined {
  const m = QUANTITY_RE.exec(text.trim());
  if (!m) return undefined;
  const [, sign, digits, suffix = ''] = m;
  const [intPart, fracPart = ''] = digits!.split('.');
  let num = BigInt((intPart || '0') + fracPart);
  let scale = fracPart.length;
  if (sign === '-') num = -num;
  if (suffix in BINARY) {
    num *= BINARY[suffix]!;
  } else if (/^[eE]/.test(suffix)) {
    scale -= Number(suffix.slice(1));
  } else {
    scale -= DECIMAL_EXP[suffix] ?? 0;
  }
  return { num, scale };
}

/** True when `text` is a valid Kubernetes quantity. */
export function isQuantity(text: unknown): boolean {
  return typeof text === 'string' ? parseExact(text) !== undefined : typeof text === 'number' && Number.isFinite(text);
}

function scaleTo(ex: Exact, decimals: number): bigint {
  // value * 10^decimals, rounded up (toward +infinity) like apimachinery's ScaledValue.
  const shift = decimals - ex.scale;
  if (shift >= 0) return ex.num * 10n ** BigInt(shift);
  const div = 10n ** BigInt(-shift);
  const q = ex.num / div;
  return ex.num % div !== 0n && ex.num > 0n ? q + 1n : q;
}

function parseOrThrow(q: string | number): Exact {
  if (typeof q === 'number') {
    const ex = Number.isFinite(q) ? parseExact(String(q)) : undefined;
    if (!ex) throw new RangeError(`Cannot parse quantity "${q}": expected a finite number`);
    return ex;
  }
  const ex = parseExact(q);
  if (!ex) throw new RangeError(`Cannot parse quantity "${q}": expected a number with an optional suffix (m, k, Mi, Gi, ...)`);
  return ex;
}

/** The quantity in thousandths (CPU millicores). Throws RangeError on an invalid quantity. */
export function toMilli(q: string | number | undefined): number {
  if (q === undefined || q === '') return 0;
  return Number(scaleTo(parseOrThrow(q), 3));
}

/** The quantity in whole units (bytes, pods), rounded up. Throws RangeError on an invalid quantity. */
export function toUnits(q: string | number | undefined): number {
  if (q === undefined || q === '') return 0;
  return Number(scaleTo(parseOrThrow(q), 0));
}

/** Formats millicores the way Kubernetes prints them ("250m", "2"). */
export function formatMilli(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Formats bytes with the largest exact binary suffix ("1536Mi", "2Gi", "100"). */
export function formatBytes(bytes: number): string {
  if (bytes === 0) return '0';
  const units: [string, number][] = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
  for (const [suffix, size] of units) {
    if (Math.abs(bytes) >= size && bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return String(bytes);
}

/**
 * Canonical JSON: the one byte form of a plan, so identical plans give identical files and a
 * digest can be recomputed by anyone. Object keys are sorted recursively in plain UTF-16
 * code-unit order; arrays keep their order (the planner's order is meaningful); 2-space indent;
 * `undefined` members are dropped as JSON.stringify does; the text ends with one newline.
 * (compactCanonicalJson is the one-line form of the same order.)
 */
import { compareStrings } from '../placement/compare-strings.js';

/** A value JSON cannot represent; `path` is filled in while the error unwinds. */
class UnrepresentableError extends TypeError {
  constructor(
    readonly what: string,
    readonly segments: string[] = [],
  ) {
    super(what);
  }
}

function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnrepresentableError(`${String(value)} is not a finite number`);
    return value;
  }
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      try {
        out[i] = v === undefined ? null : sortedCopy(v);
      } catch (e) {
        if (e instanceof UnrepresentableError) e.segments.push(`[${i}]`);
        throw e;
      }
    }
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value as object).sort(compareStrings);
    for (const key of keys) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      try {
        out[key] = sortedCopy(v);
      } catch (e) {
        if (e instanceof UnrepresentableError) e.segments.push(`.${key}`);
        throw e;
      }
    }
    return out;
  }
  throw new UnrepresentableError(`unsupported ${typeof value}`);
}

/** Returns `value` with every object's keys sorted; refuses values JSON cannot represent. */
export function canonicalize(value: unknown, path = '$'): unknown {
  try {
    return sortedCopy(value);
  } catch (e) {
    if (!(e instanceof UnrepresentableError)) throw e;
    // The path is built only on failure (segments were collected innermost first).
    throw new TypeError(`Cannot write ${path}${e.segments.reverse().join('')} as JSON: ${e.what}`);
  }
}

/** The canonical text of `value` as plan files hold it: sorted keys, 2-space indent, trailing newline. */
export function canonicalJson(value: unknown): string {
  return canonicalText(canonicalize(value));
}

/** The same canonical form on one line, no whitespace, no newline (hashes, snapshot objects). */
export function compactCanonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

/** The text of a value already canonicalized (keys sorted): 2-space indent, trailing newline. */
export function canonicalText(sorted: unknown): string {
  return JSON.stringify(sorted, null, 2) + '\n';
}

/**
 * Canonical JSON: the one byte form of a plan, so identical plans give identical files and a
 * digest can be recomputed by anyone. Object keys are sorted recursively in plain UTF-16
 * code-unit order; arrays keep their order (the planner's order is meaningful); 2-space indent;
 * `undefined` members are dropped as JSON.stringify does; the text ends with one newline.
 */

/** Returns `value` with every object's keys sorted; refuses values JSON cannot represent. */
export function canonicalize(value: unknown, path = '$'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot write ${path} as JSON: ${String(value)} is not a finite number`);
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => (v === undefined ? null : canonicalize(v, `${path}[${i}]`)));
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value as object).sort(compareCodeUnits);
    for (const key of keys) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      out[key] = canonicalize(v, `${path}.${key}`);
    }
    return out;
  }
  throw new TypeError(`Cannot write ${path} as JSON: unsupported ${typeof value}`);
}

/** Plain code-unit comparison (what `<` does on strings), never locale-dependent. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The canonical text of `value`: sorted keys, 2-space indent, trailing newline. */
export function canonicalJson(value: unknown): string {
  return canonicalText(canonicalize(value));
}

/** The text of a value already canonicalized (keys sorted): 2-space indent, trailing newline. */
export function canonicalText(sorted: unknown): string {
  return JSON.stringify(sorted, null, 2) + '\n';
}

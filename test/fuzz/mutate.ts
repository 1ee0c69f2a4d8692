/**
 * Seeded mutations of valid inputs for the bad-input fuzz tests: text damage (truncation,
 * deleted or duplicated ranges, garbage bytes) and structural damage of the parsed document
 * (wrong types, huge values, unknown fields, duplicated list items, bad selectors and
 * quantities). Deterministic: the same seed gives the same mutants.
 */
import { mulberry32 } from '../../src/sim/store/seeded-random.js';

export type Random = () => number;

export function rng(seed: number): Random {
  return mulberry32(seed);
}

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Values of the wrong type or absurd size, and strings that look like bad selectors/quantities. */
export const NASTY_VALUES: readonly unknown[] = [
  null,
  -1,
  0,
  1e308,
  -1e308,
  2 ** 53 + 1,
  1.5,
  '',
  ' ',
  'x'.repeat(70_000),
  '1e400',
  '-5Gi',
  '1.5.5',
  '100Qi',
  'NaN',
  'Infinity',
  'app in (',
  'app=,=',
  '!!',
  'a b c',
  '${HOME}',
  '\u0000',
  '🙂',
  true,
  false,
  [],
  [null],
  {},
  { '': '' },
  { matchExpressions: [{ key: 'app', operator: 'Bogus', values: [] }] },
  { matchLabels: { app: 42 } },
  '__proto__',
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
];

/** Damages the text itself. */
export function mutateText(text: string, r: Random): string {
  const n = text.length;
  const at = Math.floor(r() * n);
  switch (Math.floor(r() * 7)) {
    case 0:
      return text.slice(0, at); // truncated
    case 1: {
      const len = 1 + Math.floor(r() * 40);
      return text.slice(0, at) + text.slice(at + len); // a range deleted
    }
    case 2: {
      const len = 1 + Math.floor(r() * 200);
      return text.slice(0, at) + text.slice(at, at + len) + text.slice(at); // a range duplicated
    }
    case 3:
      return text.slice(0, at) + pick(r, ['{', '}', '[', ']', ':', '"', "'", '\t', '\n  - ', '&a', '*a', '!!binary', '<<: *a', '\u0000', '\ufeff', '%YAML 1.1\n', '---\n']) + text.slice(at);
    case 4: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[i] ?? ''); // a duplicated line (duplicate keys, list items)
      return lines.join('\n');
    }
    case 5: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      lines[i] = ' '.repeat(Math.floor(r() * 5)) + (lines[i] ?? '').trimStart(); // broken indentation
      return lines.join('\n');
    }
    default:
      return text.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + text.slice(at);
  }
}

type Json = unknown;

/** Every path to a value inside `doc` (objects and arrays), up to a depth. */
function paths(doc: Json, prefix: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (depth > 12 || doc === null || typeof doc !== 'object') return out;
  const entries: [string | number, Json][] = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : Object.entries(doc as Record<string, Json>);
  for (const [k, v] of entries) {
    const p = [...prefix, k];
    out.push(p);
    paths(v, p, out, depth + 1);
  }
  return out;
}

function parentOf(doc: Json, path: (string | number)[]): { parent: Record<string | number, Json>; key: string | number } | undefined {
  let cur = doc as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  const key = path[path.length - 1];
  return key === undefined ? undefined : { parent: cur, key };
}

/** Damages the parsed structure: a wrong-typed value, an unknown field, a duplicated or removed item. */
export function mutateDoc(doc: Json, r: Random): Json {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  const all = paths(copy);
  if (all.length === 0) return pick(r, NASTY_VALUES);
  const target = parentOf(copy, pick(r, all));
  if (!target) return copy;
  const { parent, key } = target;
  switch (Math.floor(r() * 5)) {
    case 0:
    case 1:
      parent[key] = pick(r, NASTY_VALUES);
      break;
    case 2:
      if (Array.isArray(parent)) parent.splice(Number(key), 0, JSON.parse(JSON.stringify(parent[Number(key)] ?? null)));
      else parent[`unknownField${Math.floor(r() * 100)}`] = pick(r, NASTY_VALUES);
      break;
    case 3:
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    default: {
      const v = parent[key];
      if (typeof v === 'string') parent[key] = v + pick(r, ['x', '-', ' ', '!', '=', '(', 'Ki', '.0', '\n']);
      else if (typeof v === 'number') parent[key] = pick(r, [-v, v * 1e6, v + 0.5, String(v)]);
      else parent[key] = pick(r, NASTY_VALUES);
    }
  }
  return copy;
}

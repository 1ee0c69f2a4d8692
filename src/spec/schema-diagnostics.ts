/**
 * Validates a parsed spec against schemas/maintenance.schema.json and turns ajv's errors into
 * field paths and messages a person can act on ("must be one of roll, surge, evict", "unknown
 * field "concurrancy" (did you mean "concurrency"?)"). The schema is the single source of
 * structure; it is also what editors use through yaml-language-server.
 */
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { FieldPath } from './yaml-locator.js';

/** A structural problem: where (path, and whether the key itself is at fault) and what. */
export interface SchemaProblem {
  path: FieldPath;
  atKey: boolean;
  message: string;
}


let validator: ValidateFunction | undefined;

/** The JSON schema object shipped in schemas/ (same path relative to src/spec and dist/spec). */
export function maintenanceSchema(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  return require('../../schemas/maintenance.schema.json') as Record<string, unknown>;
}

/** The ajv instance (options, formats, keywords) the schema is compiled with. */
export function schemaAjv(opts: { source?: boolean } = {}): Ajv {
  // Loaded only here: a CLI run uses the precompiled validator and never needs the compiler.
  const require = createRequire(import.meta.url);
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  // ajv-formats is CommonJS; its export is the function (also as .default).
  const addFormatsModule = require('ajv-formats') as { default?: (ajv: Ajv) => Ajv } & ((ajv: Ajv) => Ajv);
  const addFormats = addFormatsModule.default ?? addFormatsModule;
  const ajv = new AjvClass({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, code: { source: opts.source === true } });
  addFormats(ajv);
  // Used by yaml-language-server (and by us) for friendlier pattern/format messages.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  return ajv;
}

/**
 * The build writes the compiled validator next to this module (scripts/build-validator.mjs),
 * which saves every CLI run compiling the schema (~100 ms); from source (tests) it is compiled
 * here, with the same options.
 */
export const PRECOMPILED_VALIDATOR = './maintenance-validator.cjs';

function compiled(): ValidateFunction {
  if (!validator) {
    const require = createRequire(import.meta.url);
    try {
      validator = require(PRECOMPILED_VALIDATOR) as ValidateFunction;
    } catch (e) {
      // Only a missing file means "not built": a broken one must not pass unnoticed.
      if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
      validator = schemaAjv().compile(maintenanceSchema());
    }
  }
  return validator;
}

function splitPointer(pointer: string, data: unknown): FieldPath {
  if (pointer === '') return [];
  const out: FieldPath = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(cur) && /^\d+$/.test(seg) ? Number(seg) : seg;
    out.push(key);
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[String(key)] : undefined;
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function suggestion(name: string, allowed: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(name, a);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a map of fields',
  array: 'a list',
};

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return JSON.stringify(v);
}

function messageFor(e: ErrorObject, data: unknown): { message: string; atKey: boolean; extra?: string } | undefined {
  const schema = (e.parentSchema ?? {}) as { errorMessage?: string; properties?: Record<string, unknown> };
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(schema.properties ?? {});
      const hint = suggestion(name, allowed);
      return {
        atKey: true,
        extra: name,
        message: `unknown field "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed fields: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const name = String((e.params as { missingProperty: string }).missingProperty);
      return { atKey: false, extra: name, message: `required field "${name}" is missing` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const got = describeValue(e.data);
      if (allowed.length === 1) return { atKey: false, message: `must be "${allowed[0]}", not ${got}` };
      return { atKey: false, message: `must be one of ${allowed.join(', ')} (got ${got})` };
    }
    case 'type': {
      const want = String((e.params as { type: string }).type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      const quote = want === 'a string' && (typeof e.data === 'number' || typeof e.data === 'boolean') ? ` (put it in quotes: "${String(e.data)}")` : '';
      return { atKey: false, message: `must be ${want}, not ${describeValue(e.data)}${quote}` };
    }
    case 'minimum':
      return { atKey: false, message: `must be at least ${String((e.params as { limit: number }).limit)} (got ${describeValue(e.data)})` };
    case 'minItems':
      return { atKey: false, message: `must not be an empty list` };
    case 'minLength':
      return { atKey: false, message: 'must not be empty' };
    case 'maxLength':
      return { atKey: false, message: `must be at most ${String((e.params as { limit: number }).limit)} characters` };
    case 'pattern':
    case 'format':
      return { atKey: false, message: `${schema.errorMessage ?? `is not valid (${e.message ?? e.keyword})`} (got ${describeValue(e.data)})` };
    case 'if':
      return undefined;
    default:
      return { atKey: false, message: e.message ?? `is not valid (${e.keyword})` };
  }
}

/**
 * Every structural problem in `data`. Where a value has the wrong type, only that is reported
 * for it (not also "must be one of ..."), so each mistake gives one message.
 */
export function schemaProblems(data: unknown): SchemaProblem[] {
  return problemsOf(compiled(), data);
}

/** The problems a compiled validator finds in `data`, worded as schemaProblems words them. */
export function problemsOf(validate: ValidateFunction, data: unknown): SchemaProblem[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const typeFailed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'type' && typeFailed.has(e.instancePath)) continue;
    const m = messageFor(e, data);
    if (!m) continue;
    const path = splitPointer(e.instancePath, data);
    if (m.extra !== undefined) path.push(m.extra);
    const key = `${JSON.stringify(path)}|${m.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, atKey: m.atKey, message: m.message });
  }
  return out;
}

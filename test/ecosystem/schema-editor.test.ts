/**
 * The JSON Schema as editors use it: every maintenance spec under examples/ starts with the
 * yaml-language-server modeline, its path resolves (relative to the file, as the language server
 * resolves it) to schemas/maintenance.schema.json, and a plain draft-07 validator — like the
 * editor's, without sdrain's own checks — accepts the example and flags a typo. Every property
 * carries a description, which is what the editor shows on hover.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/cli.js';

const SCHEMA_PATH = join(REPO_ROOT, 'schemas/maintenance.schema.json');
const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
const MODELINE = /^# yaml-language-server: \$schema=(\S+)$/;

function specsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...specsUnder(p));
    else if (/\.ya?ml$/.test(e.name) && /^kind: Maintenance$/m.test(readFileSync(p, 'utf8'))) out.push(p);
  }
  return out.sort();
}

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** A validator as an editor has it: draft-07 with formats, unknown keywords (errorMessage) ignored. */
function editorValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('schema for editors', () => {
  const specs = specsUnder(join(REPO_ROOT, 'examples'));

  it('finds the example specs', () => {
    expect(specs.map((f) => relative(REPO_ROOT, f))).toEqual(expect.arrayContaining(['examples/maint.yaml', 'examples/demo-maint.yaml']));
  });

  it('has an $id, a title and a description on every property', () => {
    expect(schema.$id).toMatch(/^https:\/\/.+maintenance\.schema\.json$/);
    expect(schema.title).toBeTruthy();
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      for (const [name, child] of Object.entries((n.properties as Record<string, unknown>) ?? {})) {
        const c = child as Record<string, unknown>;
        if (typeof c.description !== 'string' && typeof c.$ref !== 'string') missing.push(`${path}.${name}`);
        walk(c, `${path}.${name}`);
      }
      for (const key of ['items', 'additionalProperties']) if (typeof n[key] === 'object') walk(n[key], `${path}[]`);
      for (const key of ['oneOf', 'anyOf', 'allOf']) for (const s of (n[key] as unknown[]) ?? []) walk(s, path);
      for (const [name, def] of Object.entries((n.definitions as Record<string, unknown>) ?? (n.$defs as Record<string, unknown>) ?? {})) walk(def, `#${name}`);
    };
    walk(schema, '');
    expect(missing).toEqual([]);
  });

  it.each(specs.map((f) => [relative(REPO_ROOT, f), f]))('%s: modeline resolves to the schema and the spec validates', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const first = text.split('\n')[0]!;
    const m = MODELINE.exec(first);
    expect(m, `first line of ${file}: ${first}`).not.toBeNull();
    const target = resolve(dirname(file), m![1]!);
    expect(existsSync(target)).toBe(true);
    expect(target).toBe(SCHEMA_PATH);
    const validate = editorValidator();
    const doc = parse(text) as Record<string, unknown>;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // A typo is flagged in the editor, as sdrain would refuse it.
    const typo = structuredClone(doc) as { spec: Record<string, unknown> };
    typo.spec.concurency = 2;
    expect(validate(typo)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty?: string }).additionalProperty === 'concurency')).toBe(true);
  });
});

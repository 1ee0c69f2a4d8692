import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { canonicalJson } from './canonical-json.js';
import { computeDigest } from './digest.js';
import { writePlan } from './write-plan.js';
import { readPlan } from './read-plan.js';
import { findJsonSyntaxError } from './json-syntax-error.js';
import { InputError, SdrainError } from '../errors.js';
import { samplePlan } from '../render/testing/sample-plan.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('canonicalJson', () => {
  it('sorts keys recursively by code unit, keeps array order, drops undefined, ends with a newline', () => {
    const text = canonicalJson({ b: 1, a: { z: [3, 1, { y: 1, x: undefined, B: 2 }], 'é': 1, Z: 0 }, c: undefined });
    expect(text).toBe('{\n  "a": {\n    "Z": 0,\n    "z": [\n      3,\n      1,\n      {\n        "B": 2,\n        "y": 1\n      }\n    ],\n    "é": 1\n  },\n  "b": 1\n}\n');
  });
  it('gives the same bytes whatever the insertion order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });
  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow(/\$\.a/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(/function/);
    expect(() => canonicalJson({ waves: [{ nodes: ['n1'] }, { risk: Infinity }] })).toThrow('Cannot write $.waves[1].risk as JSON: Infinity is not a finite number');
  });
});

describe('digest', () => {
  it('is the sha256 of the canonical text with digest set to ""', () => {
    const plan = samplePlan();
    const expected = 'sha256:' + createHash('sha256').update(canonicalJson({ ...plan, digest: '' })).digest('hex');
    expect(computeDigest(plan)).toBe(expected);
    expect(computeDigest({ ...plan, digest: 'sha256:whatever' })).toBe(expected);
  });
  const hasJq = spawnSync('jq', ['--version']).status === 0;
  it.skipIf(!hasJq)('can be checked by hand with jq -S as documented', () => {
    const { text, plan } = writePlan(samplePlan({ blocked: true }));
    const jq = spawnSync('jq', ['-S', '.digest=""'], { input: text, encoding: 'utf8' });
    expect('sha256:' + createHash('sha256').update(jq.stdout).digest('hex')).toBe(plan.digest);
  });

  it('changes when any field changes', () => {
    const a = computeDigest(samplePlan());
    const p = samplePlan();
    p.waves[0]!.actions[0]!.pods[0] = 'api-7d9-z';
    expect(computeDigest(p)).not.toBe(a);
  });
});

describe('writePlan / readPlan', () => {
  it('round-trips: the written text reads back to the same plan with a valid digest', () => {
    const { text, plan } = writePlan(samplePlan());
    expect(text.endsWith('}\n')).toBe(true);
    expect(plan.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(readPlan(text, 'plan.json')).toEqual(plan);
    expect(canonicalJson(readPlan(text, 'plan.json'))).toBe(text);
  });

  it('refuses a file altered after writing, naming both digests', () => {
    const { text, plan } = writePlan(samplePlan());
    const altered = text.replace('"api-7d9-b"', '"api-7d9-c"');
    expect(altered).not.toBe(text);
    const err = thrown(() => readPlan(altered, 'plan.json'));
    expect(err).toBeInstanceOf(SdrainError);
    expect((err as SdrainError).code).toBe('PLAN_REFUSED');
    expect((err as Error).message).toMatch(/^Plan file plan\.json was modified after it was written: digest sha256:[0-9a-f]{64} does not match the recorded sha256:/);
    expect((err as Error).message).toContain(plan.digest);
  });

  it('refuses a newer format version with its own message, before checking the digest', () => {
    const { plan } = writePlan(samplePlan());
    const err = thrown(() => readPlan(JSON.stringify({ ...plan, formatVersion: 3 }), 'p.json'));
    expect((err as SdrainError).code).toBe('PLAN_REFUSED');
    expect((err as Error).message).toMatch(/format version 3.*reads format versions 1 and 2/);
    expect((err as SdrainError).hint).toMatch(/newer sdrain/);
  });

  it('reports JSON syntax errors with line and column', () => {
    const { text } = writePlan(samplePlan());
    const broken = text.replace('"kind": "Plan",', '"kind": "Plan"');
    const err = thrown(() => readPlan(broken, 'plan.json')) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.code).toBe('PLAN_INVALID');
    const d = err.diagnostics[0]!;
    const lines = broken.split('\n');
    const kindLine = lines.findIndex((l) => l.includes('"kind": "Plan"')) + 1;
    expect(d.line).toBe(kindLine + 1);
    expect(d.column).toBe(3);
  });

  it('finds positions V8 does not give', () => {
    expect(findJsonSyntaxError('{\n  "a": tru\n}')).toEqual({ line: 2, column: 8, message: 'unexpected "t", expected a value' });
    expect(findJsonSyntaxError('[1, 2')).toMatchObject({ line: 1, column: 6 });
    expect(findJsonSyntaxError('{"a": [1, {"b": null}]}')).toBeUndefined();
  });

  it('refuses a file that is not a plan', () => {
    const err = thrown(() => readPlan('{"apiVersion":"v1","kind":"Pod"}', 'pod.json')) as InputError;
    expect(err.code).toBe('PLAN_INVALID');
    expect(err.message).toMatch(/not an sdrain plan/);
    expect(err.diagnostics.map((d) => d.field)).toEqual(['apiVersion', 'kind']);
  });

  it('lists every structural problem with its field and line', () => {
    const bad = samplePlan() as unknown as Record<string, any>;
    bad.waves[0].actions[0].method = 'teleport';
    bad.waves[1].index = 7;
    bad.waves[0].actions[1].podUids = [];
    bad.findings[0].severity = 'fatal';
    bad.applicable = false;
    const text = canonicalJson({ ...bad, digest: computeDigest(bad) });
    const err = thrown(() => readPlan(text, 'plan.json')) as InputError;
    expect(err.code).toBe('PLAN_INVALID');
    const fields = err.diagnostics.map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['waves[0].actions[0].method', 'waves[1].index', 'waves[0].actions[1].podUids', 'findings[0].severity', 'applicable']),
    );
    const method = err.diagnostics.find((d) => d.field === 'waves[0].actions[0].method')!;
    expect(text.split('\n')[method.line! - 1]).toContain('"teleport"');
  });

  it('refuses a finding code this sdrain does not know, with its line and a hint', () => {
    const bad = samplePlan() as unknown as Record<string, any>;
    bad.findings[0].code = 'DOWNTIEM';
    const text = canonicalJson({ ...bad, digest: computeDigest(bad) });
    const err = thrown(() => readPlan(text, 'plan.json')) as InputError;
    expect(err.code).toBe('PLAN_INVALID');
    const d = err.diagnostics.find((x) => x.field === 'findings[0].code')!;
    expect(d.message).toMatch(/^is "DOWNTIEM", which this sdrain does not know \(the plan was written by another version/);
    expect(text.split('\n')[d.line! - 1]).toContain('"DOWNTIEM"');
  });
});

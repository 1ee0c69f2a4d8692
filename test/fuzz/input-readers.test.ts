/**
 * Bad-input fuzzing of the three readers a user feeds files to: the maintenance spec parser,
 * the cluster snapshot reader and the plan reader. Every mutant must either be accepted or
 * fail with an SdrainError (InputError for bad files) whose formatted text has a message and
 * no stack trace — never another exception type. An edited plan must always be refused.
 * Seeded and bounded: the same mutants every run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SdrainError } from '../../src/errors.js';
import { formatError } from '../../src/render/format-error.js';
import { parseSpec } from '../../src/spec/parse-spec.js';
import { loadSnapshotText } from '../../src/snapshot/snapshot-file.js';
import { readPlan } from '../../src/planfile/read-plan.js';
import { plan as computePlan } from '../../src/plan/plan.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { mutateDoc, mutateText, rng } from './mutate.js';
import { parse as parseYaml, stringify as toYaml } from 'yaml';

const read = (p: string) => readFileSync(join(REPO_ROOT, p), 'utf8');
const SPEC_BASES = ['test/fixtures/seed-article-maint.yaml', 'test/golden/plan/inputs/evict.maint.yaml', 'test/cli/fixtures/drain-blocked.yaml'].map(read);
const CLUSTER_YAML = read('test/fixtures/seed-article.yaml');
const CLUSTER_JSON = read('test/cli/fixtures/cluster.json');
const PLAN = read('test/golden/plan/seed-article.plan.json');

/** Per-call time bound: readers must not take long on small inputs (catches blow-ups, not hangs). */
const SLOW_MS = 3000;

interface Bug {
  input: string;
  problem: string;
}

/** Runs `fn` and says what is wrong with how it failed, or undefined when it behaved. */
function judge(fn: () => unknown): string | undefined {
  const started = performance.now();
  try {
    fn();
  } catch (err) {
    if (!(err instanceof SdrainError)) return `threw ${(err as Error)?.constructor?.name ?? typeof err}: ${(err as Error)?.message ?? String(err)}`;
    const text = formatError(err);
    if (!err.message.trim()) return 'an SdrainError without a message';
    if (/^\s{4}at /m.test(text)) return `formatted error carries a stack trace:\n${text}`;
    if (text.length > 200_000) return `formatted error is ${text.length} characters long`;
  }
  const ms = performance.now() - started;
  return ms > SLOW_MS ? `took ${Math.round(ms)} ms` : undefined;
}

const short = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);

function fuzz(count: number, seed: number, make: (r: () => number, i: number) => string, check: (input: string) => string | undefined): Bug[] {
  const r = rng(seed);
  const bugs: Bug[] = [];
  for (let i = 0; i < count; i++) {
    const input = make(r, i);
    const problem = check(input);
    if (problem) bugs.push({ input: short(input), problem });
  }
  return bugs;
}

/** Mutants of a YAML or JSON text: half damaged as text, half damaged as structure. */
function mutants(bases: string[], json: boolean) {
  return (r: () => number, i: number): string => {
    const base = bases[i % bases.length]!;
    if (r() < 0.5) return mutateText(base, r);
    const doc = mutateDoc(json ? JSON.parse(base) : parseYaml(base), r);
    return json ? JSON.stringify(doc, null, r() < 0.5 ? 2 : undefined) : toYaml(doc);
  };
}

describe('fuzz: bad input gives a clear error, never a crash', () => {
  it('spec parser', () => {
    const bugs = fuzz(300, 101, mutants(SPEC_BASES, false), (text) => judge(() => parseSpec(text, 'maint.yaml')));
    expect(bugs).toEqual([]);
  });

  it('snapshot reader (YAML and JSON dumps), and the planner on what it accepts', () => {
    const spec = parseSpec(SPEC_BASES[0]!, 'maint.yaml');
    const check = (text: string) =>
      judge(() => {
        const { snapshot } = loadSnapshotText(text, 'cluster.yaml');
        computePlan(spec, snapshot, { toolVersion: '0.0.0-fuzz' });
      });
    const bugs = [...fuzz(60, 202, mutants([CLUSTER_YAML], false), check), ...fuzz(60, 203, mutants([CLUSTER_JSON], true), check)];
    expect(bugs).toEqual([]);
  });

  it('snapshot reader: duplicated nodes, huge and malformed quantities, bad selectors', () => {
    const doc = JSON.parse(CLUSTER_JSON) as { items: { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> }[] };
    const node = doc.items.find((o) => o.kind === 'Node')!;
    const deploy = doc.items.find((o) => o.kind === 'Deployment');
    const cases: string[] = [
      JSON.stringify({ ...doc, items: [...doc.items, node] }),
      JSON.stringify({ ...doc, items: doc.items.map((o) => (o === node ? { ...o, status: { ...o.status, allocatable: { cpu: '1e400', memory: '-5Gi', pods: 'many' } } } : o)) }),
      JSON.stringify({ ...doc, items: doc.items.map((o) => (o === node ? { ...o, status: { ...o.status, allocatable: { cpu: '9'.repeat(5000), memory: '1Qi' } } } : o)) }),
      ...(deploy
        ? [
            JSON.stringify({ ...doc, items: doc.items.map((o) => (o === deploy ? { ...o, spec: { ...o.spec, selector: { matchExpressions: [{ key: 'app', operator: 'Bogus' }] } } } : o)) }),
            JSON.stringify({ ...doc, items: doc.items.map((o) => (o === deploy ? { ...o, spec: { ...o.spec, selector: 'app=nginx', replicas: -3 } } : o)) }),
            JSON.stringify({ ...doc, items: doc.items.map((o) => (o === deploy ? { ...o, spec: { ...o.spec, replicas: 1e12 } } : o)) }),
          ]
        : []),
      '{"kind":"List","items":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
      '- ' + '['.repeat(3000),
      'a: &a [*a]',
      '{"kind":"List","items":[{"kind":"Node"}]}',
      '\u0000\u0001\u0002',
      '',
    ];
    const spec = parseSpec(SPEC_BASES[0]!, 'maint.yaml');
    const bugs = cases
      .map((text) => ({ input: short(text), problem: judge(() => computePlan(spec, loadSnapshotText(text, 'cluster.json').snapshot, { toolVersion: '0' })) }))
      .filter((b): b is Bug => b.problem !== undefined);
    expect(bugs).toEqual([]);
  });

  it('plan reader: damaged plans give clear errors, and any edit of the content is refused', () => {
    const original = JSON.parse(PLAN) as unknown;
    const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
    const r = rng(303);
    const bugs: Bug[] = [];
    for (let i = 0; i < 400; i++) {
      const structural = i % 2 === 0;
      const doc = structural ? mutateDoc(original, r) : undefined;
      const text = doc !== undefined ? JSON.stringify(doc, null, 2) : mutateText(PLAN, r);
      let accepted = false;
      const problem = judge(() => {
        readPlan(text, 'plan.json');
        accepted = true;
      });
      if (problem) bugs.push({ input: short(text), problem });
      let same = false;
      try {
        same = canonical(JSON.parse(text)) === canonical(original);
      } catch {
        same = false;
      }
      if (accepted && !same) bugs.push({ input: short(text), problem: 'an edited plan was accepted' });
    }
    expect(bugs).toEqual([]);
  });

  it('the unchanged bases are accepted (so the fuzzing above starts from valid input)', () => {
    for (const s of SPEC_BASES) expect(() => parseSpec(s, 'maint.yaml')).not.toThrow();
    expect(() => loadSnapshotText(CLUSTER_YAML, 'c.yaml')).not.toThrow();
    expect(() => loadSnapshotText(CLUSTER_JSON, 'c.json')).not.toThrow();
    expect(() => readPlan(PLAN, 'plan.json')).not.toThrow();
  });
});

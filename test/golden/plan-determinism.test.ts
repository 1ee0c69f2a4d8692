/**
 * Property: the plan depends on the cluster's content, never on the order objects or their keys
 * arrived in. Shuffles (with a seeded generator, so a failure reproduces) the objects of each
 * input and the keys of every object, and the snapshot's collections themselves, and checks the
 * canonical plan is byte-identical.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/model/k8s.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { plan } from '../../src/plan/plan.js';
import { canonicalJson } from '../../src/planfile/canonical-json.js';
import { buildSnapshot } from '../../src/snapshot/build-snapshot.js';
import { readObjects } from '../../src/snapshot/read-objects.js';
import { parseSpec } from '../../src/spec/parse-spec.js';
import { mulberry32 } from '../../src/sim/store/seeded-random.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');

/** Seeded generator (tests only; the planner itself never draws numbers). */
const rng = mulberry32;

function shuffle<T>(list: T[], r: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Same value, object keys in a random order at every level (arrays keep their order: it is data). */
function shuffleKeys(value: unknown, r: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, r));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of shuffle(Object.keys(value), r)) out[k] = shuffleKeys((value as Record<string, unknown>)[k], r);
    return out;
  }
  return value;
}

function shuffleSnapshot(s: Snapshot, r: () => number): Snapshot {
  const out = { ...s } as Record<string, unknown>;
  for (const [k, v] of Object.entries(s)) if (Array.isArray(v)) out[k] = shuffle(v, r);
  return out as unknown as Snapshot;
}

const inputs = [
  { spec: 'test/fixtures/seed-article-maint.yaml', cluster: 'test/fixtures/seed-article.yaml' },
  { spec: 'examples/maint.yaml', cluster: 'examples/cluster.yaml' },
  { spec: 'test/golden/plan/inputs/pinned-skip.maint.yaml', cluster: 'test/golden/plan/inputs/seed-pinned.yaml' },
];

describe('plan determinism', () => {
  for (const input of inputs) {
    it(`${input.cluster}: shuffled objects, keys and collections give the same bytes`, () => {
      const spec = parseSpec(readFileSync(join(root, input.spec), 'utf8'), input.spec);
      const { objects } = readObjects(readFileSync(join(root, input.cluster), 'utf8'), input.cluster);
      const once = (objs: KubeObject[], r?: () => number) => {
        let snap = buildSnapshot(objs, {}, input.cluster).snapshot;
        if (r) snap = shuffleSnapshot(snap, r);
        return canonicalJson(plan(spec, snap, { toolVersion: 'prop' }));
      };
      const baseline = once(objects);
      expect(JSON.parse(baseline).waves.length).toBeGreaterThan(0);
      for (let seed = 1; seed <= 4; seed++) {
        const r = rng(seed);
        const shuffled = shuffle(objects, r).map((o) => shuffleKeys(o, r) as KubeObject);
        expect(once(shuffled, r), `seed ${seed}`).toBe(baseline);
      }
    }, 60_000);
  }
});

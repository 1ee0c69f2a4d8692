/**
 * Every real cluster dump in ../shared/fixtures/real plans without throwing: one node (the
 * one with the most pods) and then every node by zone, and the plan file reader accepts both.
 * These dumps carry what hand-written fixtures do not: old apiVersions, missing uids, static
 * pods, OpenShift controllers, odd quantities.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/snapshot.js';
import { plan } from '../../src/plan/plan.js';
import { makeSpec } from '../../src/plan/testing/snapshot-builder.js';
import { readPlan } from '../../src/planfile/read-plan.js';
import { writePlan } from '../../src/planfile/write-plan.js';
import { buildSnapshot } from '../../src/snapshot/build-snapshot.js';
import { readObjects } from '../../src/snapshot/read-objects.js';
import { REAL_FIXTURES_DIR } from '../helpers/paths.js';

const DIR = REAL_FIXTURES_DIR;
const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f)).sort() : [];

function load(file: string): Snapshot {
  const { objects } = readObjects(readFileSync(join(DIR, file), 'utf8'), file);
  // Real dumps have oddities buildSnapshot reports; the planner must cope with what it keeps.
  return buildSnapshot(objects, {}, file).snapshot;
}

describe('real fixtures plan without throwing', () => {
  // A missing ../shared must fail loudly, not skip: the fixtures are what this suite is about.
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
  });
  for (const file of files) {
    it(file, () => {
      const snap = load(file);
      if (snap.nodes.length === 0) return;
      const count = new Map<string, number>();
      for (const p of snap.pods) if (p.spec?.nodeName) count.set(p.spec.nodeName, (count.get(p.spec.nodeName) ?? 0) + 1);
      const busiest = [...snap.nodes].map((n) => n.metadata.name).sort((a, b) => (count.get(b) ?? 0) - (count.get(a) ?? 0) || (a < b ? -1 : 1))[0]!;
      const one = plan(makeSpec([busiest]), snap, { toolVersion: 'real' });
      expect(one.waves).toHaveLength(1);
      expect(one.applicable).toBe(!one.findings.some((f) => f.severity === 'error'));
      const moved = one.waves[0]!.actions.reduce((n, a) => n + a.pods.length, 0) + one.waves[0]!.untouched.length;
      if ((count.get(busiest) ?? 0) > 0) expect(moved).toBeGreaterThan(0);
      expect(() => readPlan(writePlan(one).text, file)).not.toThrow();

      const all = plan(makeSpec([], { nodes: { names: [], selector: 'kubernetes.io/hostname' }, order: 'zone', affinity: 'evict' }), snap, { toolVersion: 'real' });
      expect(() => readPlan(writePlan(all).text, file)).not.toThrow();
    }, 60_000);
  }
});

/**
 * Every field of a plan either takes part in drift or is listed as not taking part, and the
 * list tells the truth: changing a compared field changes the projection, changing any other
 * does not. (DRIFT_FIELDS is typed over the plan's field names, so a new field must be placed
 * in it before the code compiles; this test then holds it to its word.)
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../model/plan.js';
import { samplePlan } from '../render/testing/sample-plan.js';
import { DRIFT_FIELDS, changedPaths, driftProjection, projectionLines } from './drift-projection.js';

/** The sample plan with every optional field present somewhere. */
function fullPlan(): Plan {
  const p = samplePlan();
  p.findings.push({ severity: 'info', code: 'DOWNTIME', wave: 2, node: 'node-b', object: { kind: 'Deployment', namespace: 'web', name: 'front' }, message: 'm', hint: 'h' });
  p.waves[0]!.actions[1]!.strategy.partition = 0;
  p.waves[0]!.actions[0]!.workload.uid = 'd1';
  p.waves[0]!.actions[1]!.estimate = { seconds: 5, basis: 'default', startupSeconds: 2.5, observedPods: 0, minReadySeconds: 0, shutdownSeconds: 1, rounds: 1, formula: '1 round' };
  p.waves[0]!.estimate = { seconds: 5, basis: 'default', moveSeconds: 5, afterEachSeconds: 0 };
  p.estimate = { seconds: 5, basis: 'default', caveats: [] };
  return p;
}

/** A different value of the same shape (the first string of an object or list changes). */
function changed(v: unknown): unknown {
  if (typeof v === 'string') return `${v}-changed`;
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  if (Array.isArray(v)) return v.length === 0 ? ['added'] : [changed(v[0]), ...v.slice(1)];
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const first = Object.keys(o).find((k) => typeof o[k] === 'string' || typeof o[k] === 'number');
    return first ? { ...o, [first]: changed(o[first]) } : { ...o, added: 1 };
  }
  return 'added';
}

type Part = keyof typeof DRIFT_FIELDS;
/** Where each part's example lives in fullPlan(). */
const PARTS: Record<Part, (p: Plan) => Record<string, unknown>> = {
  plan: (p) => p as unknown as Record<string, unknown>,
  wave: (p) => p.waves[0] as unknown as Record<string, unknown>,
  action: (p) => p.waves[0]!.actions[1] as unknown as Record<string, unknown>,
  untouched: (p) => p.waves[0]!.untouched[0] as unknown as Record<string, unknown>,
  finding: (p) => p.findings[p.findings.length - 1] as unknown as Record<string, unknown>,
};

describe('DRIFT_FIELDS', () => {
  for (const part of Object.keys(DRIFT_FIELDS) as Part[]) {
    it(`lists every field a ${part} has`, () => {
      expect(Object.keys(PARTS[part](fullPlan())).sort()).toEqual(Object.keys(DRIFT_FIELDS[part]).sort());
    });
    for (const [field, role] of Object.entries(DRIFT_FIELDS[part])) {
      it(`${part}.${field}: ${role}`, () => {
        const base = driftProjection(fullPlan());
        const p = fullPlan();
        const target = PARTS[part](p);
        target[field] = changed(target[field]);
        const diff = changedPaths(base, driftProjection(p));
        if (role === 'compared') expect(diff.length, `changing ${part}.${field} must show as drift`).toBeGreaterThan(0);
        else expect(diff, `changing ${part}.${field} must not show as drift`).toEqual([]);
      });
    }
  }
});

describe('driftProjection', () => {
  it('keys actions, pods and untouched pods by name, so a change names its object', () => {
    const p = fullPlan();
    const lines = projectionLines(driftProjection(p), '');
    expect(lines).toContain('waves[1].actions["Deployment shop/api"].pods["api-7d9-a"] = "uid-api-7d9-a"');
    expect(lines).toContain('waves[1].untouched["node-a kube-system/kube-proxy-x1"] = "daemonset"');
    const moved = fullPlan();
    moved.waves[0]!.actions[0]!.replicas = 4;
    expect(changedPaths(driftProjection(p), driftProjection(moved))).toEqual(['waves[1].actions["Deployment shop/api"].replicas']);
  });

  it('does not depend on the order of lists whose order is not a decision (findings)', () => {
    const a = fullPlan();
    const b = fullPlan();
    b.findings.reverse();
    expect(changedPaths(driftProjection(a), driftProjection(b))).toEqual([]);
  });
});

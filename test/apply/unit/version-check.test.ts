/**
 * A plan written by another sdrain version: applied only when this version's re-plan makes the
 * same decisions; otherwise refused (exit 3, PLAN_REFUSED) saying to plan again with this
 * version — not reported as "the cluster changed".
 */
import { describe, expect, it } from 'vitest';
import { checkDrift } from '../../../src/apply/drift.js';
import { emptySnapshot } from '../../../src/model/snapshot.js';
import type { Plan } from '../../../src/model/plan.js';
import { exitCodeFor } from '../../../src/render/format-error.js';
import { DriftError, SdrainError } from '../../../src/errors.js';
import { samplePlan } from '../../../src/render/testing/sample-plan.js';
import { applyPlan } from '../../../src/apply/apply-plan.js';
import type { ApplyDeps } from '../../../src/apply/apply-deps.js';
import type { ApplyEvent } from '../../../src/apply/apply-event.js';
import { describeApplyEvent } from '../../../src/render/apply-progress-lines.js';

const reviewed = (): Plan => ({ ...samplePlan(), toolVersion: '0.0.9' });
const check = (plan: Plan, replanned: Plan, toolVersion: string) =>
  checkDrift(plan, emptySnapshot(), { replan: () => replanned, file: 'plan.json', toolVersion });

function thrown(fn: () => unknown): SdrainError {
  try {
    fn();
  } catch (err) {
    return err as SdrainError;
  }
  throw new Error('expected a refusal');
}

describe('checkDrift across sdrain versions', () => {
  it('applies a plan of another version when this version plans the same', () => {
    expect(check(reviewed(), { ...samplePlan(), toolVersion: '0.1.0' }, '0.1.0')).toEqual({ resumed: false });
  });

  it('refuses (exit 3) naming both versions when this version decides differently', () => {
    const fresh = samplePlan();
    fresh.waves[0]!.actions[0]!.method = 'surge';
    const err = thrown(() => check(reviewed(), fresh, '0.1.0'));
    expect(err.code).toBe('PLAN_REFUSED');
    expect(exitCodeFor(err)).toBe(3);
    expect(err.message).toMatch(/^Refusing to apply plan\.json: it was planned by sdrain 0\.0\.9, and sdrain 0\.1\.0 plans the cluster as it is now differently/);
    expect((err as DriftError).changed).toEqual(['waves[1].actions["Deployment shop/api"].method']);
    expect((err as DriftError).diff).toContain('\n+waves[1].actions["Deployment shop/api"].method = "surge"\n');
    expect(err.hint).toBe('Run `sdrain plan` again with sdrain 0.1.0, review the new plan, then apply it with the same version.');
  });

  it('reports the same difference with the same version as drift', () => {
    const plan = samplePlan();
    const fresh = samplePlan();
    fresh.waves[0]!.actions[0]!.replicas = 4;
    expect(thrown(() => check(plan, fresh, plan.toolVersion)).code).toBe('DRIFT');
  });
});

describe('applyPlan with a plan of another version', () => {
  it('says so before anything else, with both versions', async () => {
    const events: ApplyEvent[] = [];
    const untouchable = new Proxy({}, { get: () => () => Promise.reject(new Error('the cluster must not be asked')) });
    const deps = { gateway: untouchable, clock: { now: () => 0, setTimeout: () => ({ cancel: () => undefined }) }, toolVersion: '0.1.0', onEvent: (e: ApplyEvent) => events.push(e) } as unknown as ApplyDeps;
    // A refusal by preflight (wrong --expect-digest) comes after the version notice.
    const err = await applyPlan(reviewed(), { file: 'plan.json', expectDigest: `sha256:${'0'.repeat(64)}` }, deps).catch((e: unknown) => e);
    expect((err as SdrainError).code).toBe('PLAN_REFUSED');
    expect(events[0]).toEqual({ type: 'other-version', at: 0, planVersion: '0.0.9', toolVersion: '0.1.0', formatVersion: 2 });
    expect(events.slice(1)).toMatchObject([{ type: 'refused', code: 'PLAN_REFUSED' }]);
    expect(describeApplyEvent(events[0]!)).toBe('the plan was written by sdrain 0.0.9; this is sdrain 0.1.0: it is applied only if sdrain 0.1.0 plans the same');
  });
});

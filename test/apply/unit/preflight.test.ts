import { describe, expect, it } from 'vitest';
import { SdrainError } from '../../../src/errors.js';
import { samplePlan } from '../../cli/sample-plan.js';
import { checkIdentity, preflightPlan } from '../../../src/apply/preflight.js';

const NOW = Date.parse('2026-03-14T02:00:00Z');

function refusal(fn: () => void): SdrainError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SdrainError);
    expect((err as SdrainError).code).toBe('PLAN_REFUSED');
    return err as SdrainError;
  }
  throw new Error('expected a refusal');
}

describe('preflightPlan', () => {
  it('accepts an applicable plan with a matching digest', () => {
    const plan = { ...samplePlan(), digest: 'sha256:abc' };
    expect(() => preflightPlan(plan, { file: 'p.json', expectDigest: 'sha256:abc', nowMs: NOW })).not.toThrow();
  });

  it.each([
    ['a different --expect-digest', { digest: 'sha256:abc' }, { expectDigest: 'sha256:def' }, /digest sha256:abc is not the expected sha256:def/],
    ['error findings', samplePlan({ blocked: true }), {}, /blocked by 1 error finding\(s\)\n  - INSUFFICIENT_CAPACITY: Wave 2 needs/],
  ] as const)('refuses %s', (_name, over, opts, message) => {
    const plan = { ...samplePlan(), ...over };
    expect(refusal(() => preflightPlan(plan, { file: 'p.json', nowMs: NOW, ...opts })).message).toMatch(message);
  });

  it.each([
    [{ notBefore: '2026-03-14T03:00:00Z' }, /window opens at 2026-03-14T03:00:00Z, it is now 2026-03-14T02:00:00Z/],
    [{ notAfter: '2026-03-14T01:00:00Z' }, /window closed at 2026-03-14T01:00:00Z/],
  ])('refuses outside the window %o', (window, message) => {
    const base = samplePlan();
    const plan = { ...base, spec: { ...base.spec, spec: { ...base.spec.spec, window } } };
    expect(refusal(() => preflightPlan(plan, { file: 'p.json', nowMs: NOW })).message).toMatch(message);
  });

  it('accepts inside the window', () => {
    const base = samplePlan();
    const plan = { ...base, spec: { ...base.spec, spec: { ...base.spec.spec, window: { notBefore: '2026-03-14T01:00:00Z', notAfter: '2026-03-14T03:00:00Z' } } } };
    expect(() => preflightPlan(plan, { file: 'p.json', nowMs: NOW })).not.toThrow();
  });
});

describe('checkIdentity', () => {
  it.each([
    [{ uid: 'a' }, { uid: 'a', server: 'https://x' }, false],
    [{ uid: 'a', server: 'https://old' }, { uid: 'a', server: 'https://new' }, false],
    [{ uid: 'a' }, { uid: 'b', server: 'https://x' }, true],
    [{ server: 'https://x' }, { server: 'https://y' }, true],
    [{ server: 'https://x' }, { server: 'https://x', uid: 'b' }, false],
    [{}, { uid: 'b', server: 'https://y' }, false],
  ])('plan %o vs live %o refused=%s', (want, live, refused) => {
    const plan = { ...samplePlan(), cluster: want };
    if (refused) expect(refusal(() => checkIdentity(plan, live, 'p.json')).message).toMatch(/made for the/);
    else expect(() => checkIdentity(plan, live, 'p.json')).not.toThrow();
  });
});

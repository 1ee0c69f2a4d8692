import { describe, expect, it } from 'vitest';
import { samplePlan } from '../render/testing/sample-plan.js';
import { windowWarning } from './apply-plan.js';

describe('windowWarning (apply start)', () => {
  const plan = (notAfter?: string) => {
    const p = samplePlan({ estimated: true }); // estimate: 48.5 s
    if (notAfter) p.spec.spec.window = { notAfter };
    return p;
  };
  const now = Date.parse('2026-03-14T02:00:00Z');
  it.each([
    ['no window', undefined, undefined],
    ['fits', '2026-03-14T02:01:00Z', undefined],
    ['runs past notAfter', '2026-03-14T02:00:30Z', 'The maintenance is estimated to take ~49 s but the window closes at 2026-03-14T02:00:30Z, in ~30 s: waves that would start after it are refused'],
  ])('%s', (_n, notAfter, want) => {
    expect(windowWarning(plan(notAfter), now)).toBe(want);
  });
  it('a plan without an estimate (older format) gives none', () => {
    expect(windowWarning(samplePlan(), now)).toBeUndefined();
  });
});

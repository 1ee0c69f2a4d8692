import { describe, expect, it } from 'vitest';
import { formatBytes, formatMilli, isQuantity, toMilli, toUnits } from './quantity.js';

describe('toMilli', () => {
  it.each([
    ['250m', 250],
    ['1', 1000],
    ['2.5', 2500],
    ['0.1', 100],
    ['.5', 500],
    ['1k', 1_000_000],
    ['100u', 1],
    ['1n', 1],
    ['0', 0],
    ['1e3', 1_000_000],
    ['1E-3', 1],
    [3, 3000],
    [0.25, 250],
    [undefined, 0],
    ['', 0],
  ] as const)('%s → %d', (q, want) => {
    expect(toMilli(q)).toBe(want);
  });
});

describe('toUnits', () => {
  it.each([
    ['1Gi', 1024 ** 3],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['512Mi', 512 * 1024 ** 2],
    ['1Ki', 1024],
    ['1G', 1e9],
    ['129e6', 129e6],
    ['110', 110],
    ['100m', 1],
    ['1500m', 2],
    ['0.5', 1],
    ['  2Mi  ', 2 * 1024 ** 2],
    ['+1k', 1000],
  ] as const)('%s → %d', (q, want) => {
    expect(toUnits(q)).toBe(want);
  });

  it('keeps negative quantities exact and rounds them toward +infinity', () => {
    expect(toUnits('-1Ki')).toBe(-1024);
    expect(toUnits('-1500m')).toBe(-1);
  });
});

describe('invalid quantities', () => {
  it.each(['abc', '1Gb', '1.2.3', '--1', 'Mi', '1 Gi', '1e', '0x10'])('%s throws a RangeError quoting it', (q) => {
    expect(() => toUnits(q)).toThrow(RangeError);
    expect(() => toMilli(q)).toThrow(`"${q}"`);
    expect(isQuantity(q)).toBe(false);
  });

  it('accepts valid ones and finite numbers', () => {
    expect(isQuantity('250m')).toBe(true);
    expect(isQuantity(2)).toBe(true);
    expect(isQuantity(Number.NaN)).toBe(false);
    expect(isQuantity({})).toBe(false);
  });
});

describe('formatting', () => {
  it.each([
    [250, '250m'],
    [2000, '2'],
    [0, '0'],
    [1500, '1500m'],
  ])('formatMilli(%d) = %s', (m, want) => {
    expect(formatMilli(m)).toBe(want);
  });

  it.each([
    [0, '0'],
    [1024 ** 3, '1Gi'],
    [1536 * 1024 ** 2, '1536Mi'],
    [100, '100'],
    [1024, '1Ki'],
    [1e9, '1000000000'],
  ])('formatBytes(%d) = %s', (b, want) => {
    expect(formatBytes(b)).toBe(want);
  });

  it('round-trips formatted values', () => {
    for (const m of [1, 250, 1000, 12345]) expect(toMilli(formatMilli(m))).toBe(m);
    for (const b of [1, 1024, 3 * 1024 ** 2, 7 * 1024 ** 3]) expect(toUnits(formatBytes(b))).toBe(b);
  });
});

describe('numbers', () => {
  it('rejects non-finite numbers instead of reading them as 0', () => {
    expect(() => toMilli(Number.NaN)).toThrow(RangeError);
    expect(() => toUnits(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
  it('reads exponent-formatted numbers', () => {
    expect(toUnits(1e21)).toBe(1e21);
    expect(toMilli(1e-3)).toBe(1);
  });
});

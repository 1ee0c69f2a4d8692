import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './parse-duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['2h', 7200],
    ['1h0m5s', 3605],
    ['90m', 5400],
    ['0s', 0],
  ])('%s → %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '5', '1.5h', '5 m', '-5m', '30m1h', '1d', '10ms', 'm', '1h1h'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [0, '0s'],
    [45, '45s'],
    [600, '10m'],
    [5400, '1h30m'],
    [7261, '2h1m1s'],
  ])('formats %i as %s and reads it back', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
    expect(parseDuration(text)).toBe(seconds);
  });
});

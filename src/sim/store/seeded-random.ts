/**
 * Seeded pseudo-random helpers for the simulator: names, uids and jitter must be the same for
 * the same --seed so a demo or test run can be reproduced byte for byte.
 */

/** mulberry32: a tiny 32-bit PRNG; good enough for names, never for secrets. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The alphabet apimachinery uses for generateName suffixes (no vowels, no confusable digits). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A 5-character generateName suffix, as the real API server appends. */
export function nameSuffix(random: () => number): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length)]!;
  return s;
}

/** A version-4-shaped UUID drawn from `random`. */
export function seededUuid(random: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

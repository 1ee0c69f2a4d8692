/** The few command-line options the bench scripts take (`--name value`, `--flag`). */
export function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function flag(argv: string[], name: string): boolean {
  return argv.includes(name);
}

export function intList(s: string): number[] {
  if (s === 'none') return [];
  return s.split(',').filter(Boolean).map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number: "${x}"`);
    return n;
  });
}

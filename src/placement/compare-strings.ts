/** Plain code-unit order, the order of every list placement returns. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

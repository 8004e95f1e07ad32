/** `count` budgets log-spaced over [lo, hi], where a figure draws a law. Pure. */
export function logSpace(lo: number, hi: number, count = 40): number[] {
  if (!(lo > 0) || !(hi > 0)) return [];
  if (lo === hi) return [lo];
  return Array.from({ length: count }, (_, i) => lo * (hi / lo) ** (i / (count - 1)));
}

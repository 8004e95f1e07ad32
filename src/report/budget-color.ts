/**
 * One colour per compute budget, shared by every figure so a budget has the same colour
 * in the IsoFLOP curves and the training curves: viridis on a log scale, stopping short
 * of its pale yellow end (unreadable on white).
 */
import type { ScaleOptions } from "@observablehq/plot";

export function budgetColor(budgets: number[]): ScaleOptions {
  const positive = budgets.filter((b) => b > 0);
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  // A single budget still needs a non-empty domain.
  const domain = positive.length === 0 ? [1, 10] : lo === hi ? [lo / 2, hi * 2] : [lo, hi];
  return { type: "log", domain, scheme: "viridis", range: [0, 0.82] };
}

/** Compute budget as people write it: 1e11, 2.5e11. */
export function formatBudget(flops: number): string {
  if (!Number.isFinite(flops)) return String(flops);
  const [mantissa, exponent] = flops.toExponential(2).split("e") as [string, string];
  return `${Number(mantissa)}e${Number(exponent)}`;
}

/** Compact SI-ish number for tick labels: 1.2M, 350k, 3.4e12 past tera. */
export function formatCount(value: number): string {
  const abs = Math.abs(value);
  const units: Array<[number, string]> = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
  if (abs >= 1e15) return formatBudget(value);
  for (const [size, suffix] of units) if (abs >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  return `${Number(value.toPrecision(3))}`;
}

/**
 * Power laws y = coefficient · C^exponent fitted by least squares in log-log space
 * (docs/methods.md §2: not a linear-space fit with an offset, which biases N*), and the laws
 * through per-budget optima: N*, D* as such power laws, L* as a power law above a floor
 * (loss-floor-law.ts).
 */
import { FLOOR_LAW_MIN_BUDGETS, GAMMA_MAX, GAMMA_MIN, fitFloorLaw } from "./loss-floor-law.js";
import { fitLine } from "./small-linear-algebra.js";
import type { OptimumLaws, PowerLaw } from "./types.js";

/** The law fitted to (C, y) pairs in ln–ln space; null for fewer than 2 distinct C or non-positive values. */
export function fitPowerLaw(budgets: readonly number[], values: readonly number[]): PowerLaw | null {
  if (values.some((v) => !(v > 0)) || budgets.some((c) => !(c > 0))) return null;
  const line = fitLine(budgets.map(Math.log), values.map(Math.log));
  if (!line) return null;
  return { coefficient: Math.exp(line.intercept), exponent: line.slope };
}

/** y at budget C (FLOPs). */
export function evaluatePowerLaw(law: PowerLaw, budgetFlops: number): number {
  return law.coefficient * budgetFlops ** law.exponent;
}

/**
 * N*, D* and L* laws through per-budget optima; null when any of the three cannot be fitted.
 * L* = E + k·C^(−γ) from FLOOR_LAW_MIN_BUDGETS distinct budgets on; with fewer, the pure
 * power law L* = k·C^c (no `floor`; lossLawNote says why and what it means).
 */
export function fitOptimumLaws(optima: ReadonlyArray<{ budget_flops: number; n_params: number; n_tokens: number; loss: number }>): OptimumLaws | null {
  const budgets = optima.map((o) => o.budget_flops);
  const losses = optima.map((o) => o.loss);
  const nOpt = fitPowerLaw(budgets, optima.map((o) => o.n_params));
  const dOpt = fitPowerLaw(budgets, optima.map((o) => o.n_tokens));
  const lossOpt = new Set(budgets).size >= FLOOR_LAW_MIN_BUDGETS ? fitFloorLaw(budgets, losses) : fitPowerLaw(budgets, losses);
  return nOpt && dOpt && lossOpt ? { n_opt: nOpt, d_opt: dOpt, loss_opt: lossOpt } : null;
}

/**
 * The warning for a law of L* that extrapolates badly, or null: no floor (too few budgets), a
 * floor at its bound 0 (the optima show no irreducible loss, so L* falls as a pure power law),
 * or γ at an end of its search range (the optima hold no curvature in ln C to measure it by).
 */
export function lossLawNote(laws: OptimumLaws, budgetCount: number): string | null {
  const law = laws.loss_opt;
  if (law.floor === undefined) {
    return `L*(C) is a pure power law (no irreducible loss): ${budgetCount} budgets are too few for L* = E + k·C^(−γ) (needs ${FLOOR_LAW_MIN_BUDGETS}); extrapolated, it runs low and its interval is too narrow`;
  }
  const bounds: string[] = [];
  if (law.floor <= 0) bounds.push("its floor E sits at its bound 0 (the optima show no irreducible loss)");
  const gamma = -law.exponent;
  if (gamma <= GAMMA_MIN * 1.0001 || gamma >= GAMMA_MAX * 0.9999) bounds.push(`its exponent γ = ${gamma.toPrecision(3)} sits at an end of its range [${GAMMA_MIN}, ${GAMMA_MAX}] (the optima hold no curvature in ln C to measure it)`);
  if (bounds.length === 0) return null;
  return `L*(C) = E + k·C^(−γ) is at a bound: ${bounds.join("; ")}; extrapolated it falls like a pure power law and runs low: read L* beyond the budgets with care, or add budgets`;
}

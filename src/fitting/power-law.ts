/**
 * Power laws y = coefficient · C^exponent fitted by least squares in log-log space
 * (docs/methods.md §2: not a linear-space fit with an offset, which biases N*).
 */
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

/** N*, D*, L* laws through per-budget optima; null when any of the three cannot be fitted. */
export function fitOptimumLaws(optima: ReadonlyArray<{ budget_flops: number; n_params: number; n_tokens: number; loss: number }>): OptimumLaws | null {
  const budgets = optima.map((o) => o.budget_flops);
  const nOpt = fitPowerLaw(budgets, optima.map((o) => o.n_params));
  const dOpt = fitPowerLaw(budgets, optima.map((o) => o.n_tokens));
  const lossOpt = fitPowerLaw(budgets, optima.map((o) => o.loss));
  return nOpt && dOpt && lossOpt ? { n_opt: nOpt, d_opt: dOpt, loss_opt: lossOpt } : null;
}

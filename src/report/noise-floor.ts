/**
 * The noise floor (pure): the seed-to-seed spread of runs that repeat one point (same
 * budget, same size, `planning.seeds` > 1). Choshen et al. 2024 (arXiv:2410.11840) find
 * seed noise alone reaching 3.5% ARE: a fit whose residuals sit at this floor fits as well
 * as the runs allow; residuals well above it mean the form misses structure.
 */
import type { ResultRecord } from "../store/record.js";
import { latestPerExperiment } from "../store/record-selection.js";

export interface SeedGroup {
  budget_flops: number;
  size_value: number;
  n_params: number;
  losses: number[];
  mean: number;
  /** Sample standard deviation of ln(loss), in percent (≈ the relative spread). */
  sd_pct: number;
}

export interface NoiseFloor {
  groups: SeedGroup[];
  /** Pooled sample SD of ln(loss) over the groups, in percent: sqrt(Σ(nᵢ−1)sᵢ² / Σ(nᵢ−1)). */
  pooled_sd_pct: number;
  /** Its degrees of freedom Σ(nᵢ−1). */
  dof: number;
}

/** Null when no point was run with more than one seed. */
export function noiseFloor(records: readonly ResultRecord[]): NoiseFloor | null {
  const byPoint = new Map<string, ResultRecord[]>();
  for (const r of latestPerExperiment(records)) {
    if (r.status !== "completed" || r.loss === null || !(r.loss > 0)) continue;
    const key = `${r.budget_flops}|${r.size_value}`;
    byPoint.set(key, [...(byPoint.get(key) ?? []), r]);
  }
  const groups: SeedGroup[] = [];
  let sumSquares = 0;
  let dof = 0;
  for (const runs of byPoint.values()) {
    if (runs.length < 2) continue;
    const logs = runs.map((r) => Math.log(r.loss!));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const squares = logs.reduce((sum, x) => sum + (x - mean) ** 2, 0);
    sumSquares += squares;
    dof += logs.length - 1;
    const first = runs[0]!;
    groups.push({
      budget_flops: first.budget_flops, size_value: first.size_value, n_params: first.n_params ?? 0,
      losses: runs.map((r) => r.loss!), mean: Math.exp(mean), sd_pct: 100 * Math.sqrt(squares / (logs.length - 1)),
    });
  }
  if (dof === 0) return null;
  groups.sort((a, b) => a.budget_flops - b.budget_flops || a.n_params - b.n_params);
  return { groups, pooled_sd_pct: 100 * Math.sqrt(sumSquares / dof), dof };
}

/** Root-mean-square of relative residuals given in percent. */
export function rmsPct(residualsPct: readonly number[]): number | null {
  if (residualsPct.length === 0) return null;
  return Math.sqrt(residualsPct.reduce((sum, r) => sum + r * r, 0) / residualsPct.length);
}

/**
 * Synthetic IsoFLOP sweeps on a known Chinchilla surface (docs/methods.md §4): budgets
 * log-spaced over 1e17..1e21, sizes evenly spaced in log N over [centre/k, centre·k] with
 * D = C/(6N), loss from L(N, D) exactly or with multiplicative Gaussian noise.
 */
import { chinchillaAllocation, lossSurface, type FitPoint, type LossSurface } from "../../../src/fitting/index.js";
import { createRandom } from "../../../src/fitting/random.js";

/** Hoffmann et al. 2022's rounded Approach 3 fit (docs/methods.md §4). */
export const CHINCHILLA_SURFACE: LossSurface = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
/** a = beta/(alpha + beta) = 0.4516… for the surface above. */
export const TRUE_A = CHINCHILLA_SURFACE.beta / (CHINCHILLA_SURFACE.alpha + CHINCHILLA_SURFACE.beta);
export const SYNTHETIC_BUDGETS = [1e17, 1e18, 1e19, 1e20, 1e21];

export interface SweepDesign {
  /** Half-width of the size grid as a factor: sizes span [centre/k, centre·k]. */
  k: number;
  pointsPerBudget: number;
  /** Relative noise sd (0.005 = 0.5%); 0 = exact. */
  noise?: number;
  seed?: number;
  /** Grid centre = N*(C)·offset(i) for budget index i (default: centred on the true N*). */
  centreFactor?: (budgetIndex: number) => number;
  surface?: LossSurface;
  budgets?: number[];
}

export function syntheticSweep(design: SweepDesign): FitPoint[] {
  const surface = design.surface ?? CHINCHILLA_SURFACE;
  const budgets = design.budgets ?? SYNTHETIC_BUDGETS;
  const random = createRandom(design.seed ?? 0, 7);
  const points: FitPoint[] = [];
  budgets.forEach((budget, index) => {
    const centre = chinchillaAllocation(surface, budget).n_params * (design.centreFactor?.(index) ?? 1);
    for (let j = 0; j < design.pointsPerBudget; j++) {
      const lnN = Math.log(centre / design.k) + (2 * Math.log(design.k) * j) / (design.pointsPerBudget - 1);
      const nParams = Math.exp(lnN);
      const nTokens = budget / (6 * nParams);
      const exact = lossSurface(surface, nParams, nTokens);
      const loss = design.noise ? exact * (1 + design.noise * random.normal()) : exact;
      points.push({ n_params: nParams, n_tokens: nTokens, loss, budget_flops: budget });
    }
  });
  return points;
}

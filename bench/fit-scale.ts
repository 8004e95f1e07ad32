/**
 * Fit time against the number of runs: Chinchilla approach 3 (and, with --all, approaches
 * 1 and 2 as well) on synthetic IsoFLOP sweeps of 1k, 10k and 100k runs drawn from a known
 * surface (Hoffmann et al. 2022's rounded fit, 0.5% noise), side by side in one process.
 *
 *   npx tsx bench/fit-scale.ts                    # 1k, 10k, 100k runs, approach 3
 *   npx tsx bench/fit-scale.ts --sizes 1000,300000 --all
 *   npx tsx bench/fit-scale.ts --compare          # also every start on every run (≤ 10k runs)
 *
 * Prints, per size: the wall time of the fit, its time per run, the fitted a against the
 * truth 0.4516, and the optimiser's path (subsample search, refinement on all runs). With
 * --compare, sizes up to 10k are also fitted with every start searched on every run (the
 * search before subsampling; 100k would take minutes), with the time ratio and the
 * difference in the objective.
 * Target: 100k runs in under 20 s on a 2-core machine.
 */
import { cpus, loadavg } from "node:os";
import { chinchillaAllocation, fitScalingLaws, lossSurface, type FitPoint, type LossSurface } from "../src/fitting/index.js";
import { createRandom } from "../src/fitting/random.js";

const SURFACE: LossSurface = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
const TRUE_A = SURFACE.beta / (SURFACE.alpha + SURFACE.beta);
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const sizes = (option("--sizes") ?? "1000,10000,100000").split(",").map(Number);
const approaches: Array<1 | 2 | 3> = args.includes("--all") ? [1, 2, 3] : [3];
const compare = args.includes("--compare");

/** `count` runs over 20 log-spaced budgets in 1e17..1e21, sizes spread ×4 around each optimum. */
function sweep(count: number, seed: number): FitPoint[] {
  const random = createRandom(seed, 11);
  const budgets = Array.from({ length: 20 }, (_, i) => 10 ** (17 + (4 * i) / 19));
  const points: FitPoint[] = [];
  for (let i = 0; i < count; i++) {
    const budget = budgets[i % budgets.length]!;
    const centre = chinchillaAllocation(SURFACE, budget).n_params;
    const nParams = centre * Math.exp(Math.log(4) * (2 * random.uniform() - 1));
    const nTokens = budget / (6 * nParams);
    points.push({ n_params: nParams, n_tokens: nTokens, loss: lossSurface(SURFACE, nParams, nTokens) * (1 + 0.005 * random.normal()), budget_flops: budget });
  }
  return points;
}

console.log(`flops-fit fit time against runs (approach${approaches.length > 1 ? "es 1-3" : " 3"}): ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log("runs       fit time   per run    a (truth 0.4516)  optimiser");
for (const count of sizes) {
  const points = sweep(count, count);
  let progressEvents = 0;
  const start = performance.now();
  const result = fitScalingLaws(points, { approaches, onProgress: () => progressEvents++ });
  const ms = performance.now() - start;
  const fit = result.approaches["3"];
  const o = fit?.optimizer;
  const path = o ? `${o.distinct_starts} starts${o.search_runs && o.search_runs < count ? ` on ${o.search_runs} runs, best ${o.refined_starts} refined on all` : " on all runs"}, ${o.status}` : "-";
  const a = fit?.a ?? null;
  console.log(
    `${String(count).padEnd(10)} ${`${(ms / 1000).toFixed(2)} s`.padEnd(10)} ${`${((1000 * ms) / count).toFixed(1)} µs`.padEnd(10)} ` +
      `${a === null ? "-" : `${a.toFixed(4)} (Δ ${(a - TRUE_A).toExponential(1)})`}`.padEnd(18) + ` ${path}; ${progressEvents} progress events`,
  );
  if (compare && count <= 10_000 && count > 1000) {
    const startAll = performance.now();
    const all = fitScalingLaws(points, { approaches, approach3: { searchRuns: Infinity } });
    const allMs = performance.now() - startAll;
    const gap = (fit?.objective ?? NaN) - (all.approaches["3"]?.objective ?? NaN);
    console.log(`${"".padEnd(10)} ${`${(allMs / 1000).toFixed(2)} s`.padEnd(10)} every start on every run: ${(allMs / ms).toFixed(1)}× the time; objective difference ${gap.toExponential(1)}`);
  }
}

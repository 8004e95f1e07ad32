/**
 * How often the bootstrap intervals cover the truth (a Monte Carlo check of interval
 * calibration; Besiroglu et al. 2024 found Chinchilla's intervals far too narrow).
 *
 * Each replicate draws a synthetic IsoFLOP sweep from a known surface (Hoffmann et al.
 * 2022's rounded fit, E=1.69, A=406.4, B=410.7, α=0.34, β=0.28, so a = 0.4516) with
 * multiplicative log-normal noise, fits approaches 2 and 3, bootstraps them, and asks whether
 * the interval of a, and of L*(C) at a budget 10× beyond the largest fitted (extrapolated),
 * contains the true value, at 80%, 90% and 95%. The design is the quickstart's: 5 budgets
 * ×4 apart (2.56e17 of range), 5 sizes per budget spanning ×4 each side of the true N*.
 *
 *   npx tsx bench/coverage.ts                        # 200 replicates × 200 resamples, 0.5% noise
 *   npx tsx bench/coverage.ts --replicates 400 --resamples 400 --noise 0.01 --sizes 7
 *   npx tsx bench/coverage.ts --approach2-resampling residual   # approach 2 by residual bootstrap
 *
 * Prints coverage per approach, quantity and level with its binomial standard error, the
 * median relative bias of the bootstrap median against the truth, and flags a level more
 * than 5 points under its nominal value. Not a timed test.
 */
import { cpus, loadavg } from "node:os";
import { fitApproach2 } from "../src/fitting/approach2-isoflop.js";
import { fitApproach3 } from "../src/fitting/approach3-parametric.js";
import { approach2Replicates, approach3Replicates, type Replicate } from "../src/fitting/bootstrap.js";
import { approach2ResidualReplicates } from "./approach2-residual-bootstrap.js";
import { groupByBudget } from "../src/fitting/budget-groups.js";
import { resolveFitOptions } from "../src/fitting/fit-options.js";
import { SIX_ND } from "../src/fitting/flops-per-token.js";
import { chinchillaAllocation, lossSurface, type FitPoint, type LossSurface } from "../src/fitting/index.js";
import { createRandom } from "../src/fitting/random.js";
import { percentileInterval, quantile } from "../src/fitting/statistics.js";

const SURFACE: LossSurface = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
const TRUE_A = SURFACE.beta / (SURFACE.alpha + SURFACE.beta);
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const replicates = option("--replicates", 200);
const resamples = option("--resamples", 200);
const noise = option("--noise", 0.005);
const sizesPerBudget = option("--sizes", 5);
const span = option("--span", 4);
// "stratified": runs drawn within budgets, as flops-fit does; "residual": bench/approach2-residual-bootstrap.ts.
const resampling2 = args.includes("--approach2-resampling") ? args[args.indexOf("--approach2-resampling") + 1] : "stratified";
if (resampling2 !== "stratified" && resampling2 !== "residual") throw new Error(`--approach2-resampling: ${resampling2} (stratified or residual)`);
const LEVELS = [0.8, 0.9, 0.95];
const BUDGETS = [0, 1, 2, 3, 4].map((i) => 1e18 * 4 ** i);
const EXTRAPOLATED = 10 * BUDGETS[BUDGETS.length - 1]!;
const TRUE_LOSS = chinchillaAllocation(SURFACE, EXTRAPOLATED).loss;

function sweep(seed: number): FitPoint[] {
  const random = createRandom(seed, 11);
  return BUDGETS.flatMap((budget) => {
    const centre = chinchillaAllocation(SURFACE, budget).n_params;
    return Array.from({ length: sizesPerBudget }, (_, j) => {
      const nParams = Math.exp(Math.log(centre / span) + (2 * Math.log(span) * j) / (sizesPerBudget - 1));
      const nTokens = budget / (6 * nParams);
      return { n_params: nParams, n_tokens: nTokens, loss: lossSurface(SURFACE, nParams, nTokens) * Math.exp(noise * random.normal()), budget_flops: budget };
    });
  });
}

type Key = `${2 | 3} ${"a" | "L*"} ${number}`;
const hits = new Map<Key, number>();
const counts = new Map<Key, number>();
const widths = new Map<Key, number[]>();
const bias = new Map<string, number[]>();
function score(approach: 2 | 3, quantity: "a" | "L*", samples: number[], truth: number): void {
  bias.set(`${approach} ${quantity}`, [...(bias.get(`${approach} ${quantity}`) ?? []), quantile(samples, 0.5) / truth - 1]);
  for (const level of LEVELS) {
    const key: Key = `${approach} ${quantity} ${level}`;
    const interval = percentileInterval(samples, level);
    if (!interval) continue;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (truth >= interval.lo && truth <= interval.hi) hits.set(key, (hits.get(key) ?? 0) + 1);
    widths.set(key, [...(widths.get(key) ?? []), interval.hi - interval.lo]);
  }
}

const settings = resolveFitOptions({ approaches: [2, 3] });
const start = Date.now();
let failed3 = 0;
let failed2 = 0;
for (let r = 0; r < replicates; r++) {
  const points = sweep(r);
  const boot = { resamples, seed: r, confidence: 0.95, predict: [EXTRAPOLATED] };
  const a3 = fitApproach3(points, settings.approach3);
  if (a3.theta && a3.result.status === "fitted") {
    const reps = approach3Replicates(points, a3.theta, settings.approach3.huberDelta, boot).filter((x): x is Replicate => x !== null);
    score(3, "a", reps.map((x) => x.values.a as number), TRUE_A);
    score(3, "L*", reps.map((x) => x.predict(EXTRAPOLATED).loss), TRUE_LOSS);
  } else failed3++;
  const groups = groupByBudget(points, settings.budgetTolerance);
  if (fitApproach2(groups, settings.approach2, SIX_ND).status === "fitted") {
    const all = resampling2 === "residual" ? approach2ResidualReplicates(groups, settings.approach2, resamples, r) : approach2Replicates(groups, settings.approach2, SIX_ND, boot);
    const reps = all.filter((x): x is Replicate => x !== null);
    score(2, "a", reps.map((x) => x.values.a as number), TRUE_A);
    score(2, "L*", reps.map((x) => x.predict(EXTRAPOLATED).loss), TRUE_LOSS);
  } else failed2++;
  if ((r + 1) % 20 === 0) process.stderr.write(`  ${r + 1}/${replicates} replicates, ${((Date.now() - start) / 1000).toFixed(0)} s\n`);
}

console.log(`Coverage of percentile bootstrap intervals: ${replicates} synthetic sweeps × ${resamples} resamples`);
console.log(`surface E=1.69 A=406.4 B=410.7 α=0.34 β=0.28 (a = ${TRUE_A.toFixed(4)}); ${noise * 100}% log-normal noise; budgets ${BUDGETS.map((b) => b.toExponential(2)).join(", ")}; ${sizesPerBudget} sizes per budget over ×${span} each side of N*`);
console.log(`L* at C = ${EXTRAPOLATED.toExponential(2)} (10× the largest budget; truth ${TRUE_LOSS.toFixed(4)}). No law: approach 3 ${failed3}, approach 2 ${failed2} sweeps. Approach 2 resampling: ${resampling2}.`);
console.log(`machine: ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}; ${((Date.now() - start) / 1000).toFixed(0)} s\n`);
console.log("| approach | quantity | level | coverage | ± (1 SE) | median width | median bias | verdict |");
console.log("|---|---|---:|---:|---:|---:|---:|---|");
for (const approach of [3, 2] as const) {
  for (const quantity of ["a", "L*"] as const) {
    for (const level of LEVELS) {
      const key: Key = `${approach} ${quantity} ${level}`;
      const n = counts.get(key) ?? 0;
      const p = n ? (hits.get(key) ?? 0) / n : NaN;
      const se = Math.sqrt((p * (1 - p)) / n);
      const sorted = [...(widths.get(key) ?? [])].sort((x, y) => x - y);
      const width = sorted[Math.floor(sorted.length / 2)] ?? NaN;
      const verdict = p < level - 0.05 ? "UNDER-COVERS by > 5 points" : "ok";
      const shift = quantile(bias.get(`${approach} ${quantity}`) ?? [], 0.5);
      console.log(`| ${approach} | ${quantity} | ${level} | ${(100 * p).toFixed(1)}% | ${(100 * se).toFixed(1)} | ${width.toPrecision(3)} | ${(100 * shift).toFixed(2)}% | ${verdict} |`);
    }
  }
}

/**
 * The determination test's yardsticks (src/fitting/determination.ts) on synthetic sweeps of a
 * known surface, to set and check its thresholds: how often each approach is judged determined,
 * the measured share of resamples with a law, the width of a's 95% interval and the span of
 * N*(C)'s at 10× the largest budget, and whether a determined law is right (its N* interval
 * holds the truth, and how far its N* is off).
 *
 * Every sweep draws from Hoffmann et al. 2022's rounded surface (E=1.69, A=406.4, B=410.7,
 * α=0.34, β=0.28: a = 0.4516), sizes log-spaced over ×span each side of a centre (the true N*,
 * or `offset` times it), each run missing its budget by up to ±3% (uniform), the loss times
 * e^(σ·z). Scenarios: the quickstart's design (5 budgets ×2 apart, 5 sizes, ×4) at 0.5%, 1%
 * and 2% noise; the same over 2.4 decades (×4 apart); 3 budgets; 5% noise; a grid 6× off
 * the optimum. Not a timed test.
 *
 *   npx tsx bench/determination.ts                      # 20 sweeps per scenario, 100 resamples
 *   npx tsx bench/determination.ts --sweeps 40 --resamples 200
 */
import { fitApproaches } from "../src/fitting/fit-approaches.js";
import { resolveFitOptions } from "../src/fitting/fit-options.js";
import { chinchillaAllocation, lossSurface, type FitPoint, type LossSurface } from "../src/fitting/index.js";
import { createRandom } from "../src/fitting/random.js";
import { median } from "../src/fitting/statistics.js";

const SURFACE: LossSurface = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const sweeps = option("--sweeps", 20);
const resamples = option("--resamples", 100);

interface Scenario {
  name: string;
  budgets: number[];
  sizes: number;
  span: number;
  noise: number;
  offset: number;
}

const ladder = (first: number, ratio: number, count: number) => Array.from({ length: count }, (_, i) => first * ratio ** i);
const SCENARIOS: Scenario[] = [
  { name: "quickstart design, 0.5% noise", budgets: ladder(1e18, 2, 5), sizes: 5, span: 4, noise: 0.005, offset: 1 },
  { name: "quickstart design, 1% noise", budgets: ladder(1e18, 2, 5), sizes: 5, span: 4, noise: 0.01, offset: 1 },
  { name: "quickstart design, 2% noise", budgets: ladder(1e18, 2, 5), sizes: 5, span: 4, noise: 0.02, offset: 1 },
  { name: "5 budgets ×4 apart, 1% noise", budgets: ladder(1e18, 4, 5), sizes: 5, span: 4, noise: 0.01, offset: 1 },
  { name: "3 budgets ×2 apart, 1% noise", budgets: ladder(1e18, 2, 3), sizes: 5, span: 4, noise: 0.01, offset: 1 },
  { name: "quickstart design, 5% noise", budgets: ladder(1e18, 2, 5), sizes: 5, span: 4, noise: 0.05, offset: 1 },
  { name: "grid 6× below the optimum, 1% noise", budgets: ladder(1e18, 2, 5), sizes: 5, span: 4, noise: 0.01, offset: 1 / 6 },
];

function sweep(s: Scenario, seed: number): FitPoint[] {
  const random = createRandom(seed, 11);
  return s.budgets.flatMap((budget) => {
    const centre = chinchillaAllocation(SURFACE, budget).n_params * s.offset;
    return Array.from({ length: s.sizes }, (_, j) => {
      const n = Math.exp(Math.log(centre / s.span) + (2 * Math.log(s.span) * j) / (s.sizes - 1));
      const d = (budget * (1 + 0.06 * (random.uniform() - 0.5))) / (6 * n);
      return { n_params: n, n_tokens: d, loss: lossSurface(SURFACE, n, d) * Math.exp(s.noise * random.normal()), budget_flops: budget };
    });
  });
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toPrecision(digits) : "–");
const started = Date.now();
console.log(`Determination yardsticks: ${sweeps} sweeps per scenario × ${resamples} resamples (thresholds: law share ≥ 0.9, a width ≤ 0.4, N* ×4)`);
console.log("| scenario | approach | determined | law share (median) | a width (median) | N*(10×) span (median) | truth in N* interval (determined) | worst N* error (determined) |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const scenario of SCENARIOS) {
  const target = 10 * (scenario.budgets[scenario.budgets.length - 1] as number);
  const truth = chinchillaAllocation(SURFACE, target).n_params;
  const stats: Record<string, { determined: number; share: number[]; width: number[]; ratio: number[]; covered: number; worst: number }> = {};
  for (let r = 0; r < sweeps; r++) {
    const settings = resolveFitOptions({ approaches: [1, 2, 3], bootstrap: resamples, seed: r, predict: [target] });
    const fit = fitApproaches(sweep(scenario, r), settings);
    for (const key of ["1", "2", "3"] as const) {
      const approach = fit.result.approaches[key];
      const d = approach?.determination;
      const entry = (stats[key] ??= { determined: 0, share: [], width: [], ratio: [], covered: 0, worst: 1 });
      if (!d) continue;
      entry.share.push(d.measures.law_share ?? 0);
      if (d.measures.a_interval) entry.width.push(d.measures.a_interval.hi - d.measures.a_interval.lo);
      const n = d.measures.n_opt[0];
      entry.ratio.push(n ? n.ratio : Infinity);
      if (!d.determined) continue;
      entry.determined += 1;
      if (n && truth >= n.lo && truth <= n.hi) entry.covered += 1;
      const predicted = fit.boot[key]?.predictions[0] ? Math.sqrt(n!.lo * n!.hi) : NaN;
      if (Number.isFinite(predicted)) entry.worst = Math.max(entry.worst, Math.max(predicted / truth, truth / predicted));
    }
  }
  for (const key of ["1", "2", "3"] as const) {
    const e = stats[key]!;
    const covered = e.determined > 0 ? `${e.covered} of ${e.determined}` : "–";
    console.log(`| ${scenario.name} | ${key} | ${e.determined} of ${sweeps} | ${fmt(median(e.share), 2)} | ${fmt(median(e.width), 2)} | ×${fmt(median(e.ratio))} | ${covered} | ${e.determined > 0 ? `×${fmt(e.worst)}` : "–"} |`);
  }
}
console.error(`${((Date.now() - started) / 1000).toFixed(0)} s`);

/**
 * WSD against cosine on the real quickstart (docs/training.md, "WSD"): the same plan trained
 * twice, once with `training.schedule: cosine` (every point its own run) and once with
 * `wsd` (one trunk per size, each point a cooldown branch). Printed side by side: training
 * FLOPs spent by each (measured, from the run directories' records), the fitted exponent a
 * of approaches 2 and 3 with bootstrap intervals, interior minima per budget; and the
 * planned WSD cost of a denser plan (twice the budgets) against the cosine quickstart's spend.
 *
 *   npx tsx bench/wsd-vs-cosine.ts --out bench-runs/wsd      # real training, ~10 min idle on 2 cores
 *   npx tsx bench/wsd-vs-cosine.ts --out DIR --cooldown 0.3  # another cooldown fraction
 *   npx tsx bench/wsd-vs-cosine.ts --out DIR --batch 8       # one fixed batch size for both sweeps
 *   npx tsx bench/wsd-vs-cosine.ts --out DIR --mock          # the plumbing, in seconds
 *
 * Sweeps resume: run it again on the same --out and finished runs are reused (an existing
 * cosine quickstart run directory can be given as --cosine DIR). Uses the built CLI
 * (npm run build first). Prints a JSON summary last and writes it to OUT/summary.json.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measuredCost } from "../src/store/run-cost.js";
import type { ResultRecord } from "../src/store/record.js";

const cli = fileURLToPath(new URL("../bin/run.js", import.meta.url));
const quickstart = fileURLToPath(new URL("../configs/quickstart.yaml", import.meta.url));
const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const out = resolve(option("--out") ?? "bench-runs/wsd-vs-cosine");
const cooldown = Number(option("--cooldown") ?? "0.2");
const bootstrap = option("--bootstrap") ?? "200";
const mock = args.includes("--mock");
// A WSD trunk trains with its shortest point's batch size (batch_size: auto scales with D), so
// its longer points take smaller batches than their cosine runs would: --batch fixes one for both.
const batch = option("--batch");
mkdirSync(out, { recursive: true });

const base = readFileSync(quickstart, "utf8");
const QUICKSTART_BUDGETS = "[3e10, 6e10, 1.2e11, 2.5e11, 5e11]";
if (!base.includes(QUICKSTART_BUDGETS)) throw new Error(`configs/quickstart.yaml no longer plans the budgets ${QUICKSTART_BUDGETS}; update this bench`);
const training = (schedule: string) => `training:\n  schedule: ${schedule}\n  cooldown_fraction: ${cooldown}\n${batch ? `  batch_size: ${batch}\n` : ""}`;
const withWsd = (text: string) => `${text.trimEnd()}\n${training("wsd")}`;
const denseBudgets = Array.from({ length: 10 }, (_, i) => Number((3e10 * (5e11 / 3e10) ** (i / 9)).toPrecision(3)));
const configs = {
  cosine: join(out, "quickstart-cosine.yaml"),
  wsd: join(out, "quickstart-wsd.yaml"),
  dense: join(out, "quickstart-wsd-dense.yaml"),
};
writeFileSync(configs.cosine, batch ? `${base.trimEnd()}\n${training("cosine")}` : base);
writeFileSync(configs.wsd, withWsd(base));
writeFileSync(configs.dense, withWsd(base.replace(QUICKSTART_BUDGETS, `[${denseBudgets.join(", ")}]`)));

function cliJson(label: string, argv: string[]): Record<string, unknown> {
  const started = performance.now();
  const run = spawnSync(process.execPath, [cli, ...argv, "--json"], { encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && !run.stdout.trim().startsWith("{")) {
    console.error(`${label} failed (exit ${run.status}):\n${run.stderr.slice(-4000)}`);
    process.exit(1);
  }
  console.error(`${label}: ${seconds.toFixed(0)} s (exit ${run.status})`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

function records(file: string): ResultRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line) as ResultRecord);
}

/** Budgets whose lowest held-out loss is at neither end of its sizes (completed points of the run's definition). */
function interiorMinima(runDir: string, fingerprint: string): { interior: number; budgets: number } {
  const byBudget = new Map<number, ResultRecord[]>();
  for (const record of records(join(runDir, "results.jsonl"))) {
    if (record.status !== "completed" || record.loss === null || record.fingerprint !== fingerprint) continue;
    byBudget.set(record.budget_flops, [...(byBudget.get(record.budget_flops) ?? []), record]);
  }
  let interior = 0;
  for (const points of byBudget.values()) {
    const sorted = [...points].sort((a, b) => (a.n_params ?? 0) - (b.n_params ?? 0));
    const best = sorted.reduce((low, p, i) => (p.loss! < sorted[low]!.loss! ? i : low), 0);
    if (best > 0 && best < sorted.length - 1) interior += 1;
  }
  return { interior, budgets: byBudget.size };
}

interface Interval { lo: number; hi: number }
function exponent(fit: Record<string, unknown>, approach: "2" | "3"): { a: number | null; interval: Interval | null } {
  const found = (fit.approaches as Record<string, Record<string, unknown>> | undefined)?.[approach];
  if (!found) return { a: null, interval: null };
  const intervals = found.intervals as Record<string, unknown> | undefined;
  const raw = intervals?.a as { lo?: number; hi?: number; lower?: number; upper?: number } | [number, number] | undefined;
  const interval = Array.isArray(raw) ? { lo: raw[0], hi: raw[1] } : raw ? { lo: raw.lo ?? raw.lower ?? NaN, hi: raw.hi ?? raw.upper ?? NaN } : null;
  return { a: typeof found.a === "number" ? found.a : null, interval };
}

function sweepAndFit(label: string, config: string, runDir: string) {
  const sweep = cliJson(`${label} sweep`, ["sweep", config, "--out", runDir, ...(mock ? ["--mock"] : []), "--bootstrap", "0"]);
  const fit = cliJson(`${label} fit`, ["fit", runDir, "--approach", "all", "--bootstrap", bootstrap]);
  const fingerprint = JSON.parse(readFileSync(join(runDir, "config.json"), "utf8")).fingerprint as string;
  const belongs = (r: ResultRecord) => r.fingerprint === fingerprint;
  const cost = measuredCost(records(join(runDir, "results.jsonl")), records(join(runDir, "trunks.jsonl")), belongs);
  return { run_dir: runDir, completed: sweep.completed, failed: sweep.failed, cost, a2: exponent(fit, "2"), a3: exponent(fit, "3"), minima: interiorMinima(runDir, fingerprint) };
}

console.error(`wsd-vs-cosine: ${mock ? "--mock" : "real training"}, cooldown ${cooldown}, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const cosine = sweepAndFit("cosine", configs.cosine, option("--cosine") ? resolve(option("--cosine")!) : join(out, "cosine"));
const wsd = sweepAndFit("wsd", configs.wsd, join(out, `wsd-${cooldown}`));
const densePlan = cliJson("dense wsd plan", ["plan", configs.dense]) as { cost?: { train_flops: number; cosine_equivalent_flops: number } };

const fmt = (x: number | null | undefined, digits = 3) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "—");
const show = (e: { a: number | null; interval: Interval | null }) => `${fmt(e.a)}${e.interval ? ` [${fmt(e.interval.lo)}, ${fmt(e.interval.hi)}]` : ""}`;
const row = (name: string, r: typeof cosine) =>
  `${name.padEnd(8)} ${r.cost.train_flops.toExponential(3).padStart(11)} ${r.cost.cosine_equivalent_flops.toExponential(3).padStart(11)}  a2 ${show(r.a2).padEnd(24)} a3 ${show(r.a3).padEnd(24)} interior minima ${r.minima.interior}/${r.minima.budgets}`;
console.log(`schedule  FLOPs spent  cosine-eq.   approach 2 (${bootstrap} bootstrap)     approach 3`);
console.log(row("cosine", cosine));
console.log(row(`wsd ${cooldown}`, wsd));
const spentRatio = wsd.cost.train_flops / cosine.cost.train_flops;
const deltaA2 = wsd.a2.a !== null && cosine.a2.a !== null ? wsd.a2.a - cosine.a2.a : null;
const deltaA3 = wsd.a3.a !== null && cosine.a3.a !== null ? wsd.a3.a - cosine.a3.a : null;
console.log(`wsd spent / cosine spent: ${fmt(spentRatio)} (target <= 0.65); cosine-equivalent / spent under wsd: ${fmt(wsd.cost.cosine_equivalent_flops / wsd.cost.train_flops)}`);
console.log(`a (wsd - cosine): approach 2 ${fmt(deltaA2)}, approach 3 ${fmt(deltaA3)} (target |Δa2| <= 0.03)`);
const dense = densePlan.cost;
if (dense) console.log(`denser plan (10 budgets, wsd): planned ${dense.train_flops.toExponential(3)} FLOPs = ${fmt(dense.train_flops / cosine.cost.train_flops)} × the cosine quickstart's spend (target <= 1); a cosine sweep of it: ${dense.cosine_equivalent_flops.toExponential(3)}`);
const summary = { mock, cooldown_fraction: cooldown, batch_size: batch ? Number(batch) : "auto", bootstrap: Number(bootstrap), cosine, wsd, spent_ratio: spentRatio, delta_a2: deltaA2, delta_a3: deltaA3, dense_plan: { budgets: denseBudgets, cost: dense ?? null } };
writeFileSync(join(out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary));

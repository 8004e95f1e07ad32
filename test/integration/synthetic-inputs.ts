/**
 * Synthetic IsoFLOP sweeps from a known surface, written in every form `flops-fit fit` reads:
 * a run directory, a results.jsonl alone, a CSV with and without budget_flops and with a
 * flops column, a W&B runs export and minimal JSONL rows. Each run misses its budget by up to
 * ±3% (as real and digitised runs do) and, when `measured`, records FLOPs spent at a dense
 * transformer's FLOPs per token.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chinchillaAllocation, lossSurface, type LossSurface } from "../../src/fitting/index.js";
import { createRandom } from "../../src/fitting/random.js";

/** Hoffmann et al. 2022's rounded Approach 3 fit: a = β/(α+β) = 0.4516. */
export const SURFACE: LossSurface = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };

/**
 * A dense transformer's training FLOPs per token at N parameters: 6 per weight, attention
 * 12·L·T·d, and N counts a V·d embedding (L = 4, T = 512, V = 32000; N = 12·L·d² + V·d).
 */
export function transformerFlopsPerToken(n: number): number {
  const [layers, sequence, vocab] = [4, 512, 32000];
  const d = (-vocab + Math.sqrt(vocab * vocab + 48 * layers * n)) / (24 * layers);
  return 6 * (12 * layers * d * d + vocab * d) + 12 * layers * sequence * d;
}

export interface SyntheticRun {
  experiment_id: string;
  budget_flops: number;
  n_params: number;
  n_tokens: number;
  loss: number;
  /** Training FLOPs: measured (transformer φ) or, without measurements, what 6·N·D gives. */
  flops: number;
}

export interface SweepDesign {
  budgets: number[];
  sizes: number;
  /** Sizes span [centre/span, centre·span], centre = the true N* times `offset`. */
  span: number;
  offset?: number;
  /** σ of ln(loss). */
  noise: number;
  measured: boolean;
  seed?: number;
  /** The surface the losses come from (default SURFACE); sizes are planned on SURFACE's N* either way. */
  surface?: LossSurface;
}

export function syntheticRuns(design: SweepDesign): SyntheticRun[] {
  const random = createRandom(design.seed ?? 0, 5);
  const perToken = design.measured ? transformerFlopsPerToken : (n: number) => 6 * n;
  let index = 0;
  return design.budgets.flatMap((budget) => {
    const centre = chinchillaAllocation(SURFACE, budget).n_params * (design.offset ?? 1);
    return Array.from({ length: design.sizes }, (_, j) => {
      const n = Math.round(Math.exp(Math.log(centre / design.span) + (2 * Math.log(design.span) * j) / (design.sizes - 1)));
      const spent = budget * (1 + 0.06 * (random.uniform() - 0.5));
      const d = Math.round(spent / perToken(n));
      const loss = lossSurface(design.surface ?? SURFACE, n, d) * Math.exp(design.noise * random.normal());
      return { experiment_id: `e${String(index++).padStart(3, "0")}`, budget_flops: budget, n_params: n, n_tokens: d, loss: Number(loss.toPrecision(7)), flops: perToken(n) * d };
    });
  });
}

/** A results.jsonl record of the run, as a sweep writes it: flops_measured as given (null: not measured). */
function record(run: SyntheticRun, flopsMeasured: number | null): Record<string, unknown> {
  return {
    experiment_id: run.experiment_id, attempt: 1, status: "completed", error: null, budget_flops: run.budget_flops, size_value: run.n_params,
    n_params: run.n_params, n_params_embedding: 0, n_params_non_embedding: run.n_params, n_tokens: run.n_tokens, n_tokens_planned: run.n_tokens,
    flops_6nd: 6 * run.n_params * run.n_tokens, flops_measured: flopsMeasured, loss: run.loss, train_loss: run.loss, wall_s: 1,
    finished_at: "2026-01-01T00:00:00.000Z",
  };
}

/** Every input form of the runs, written under `dir`; returns each form's path. */
export function writeInputs(dir: string, runs: SyntheticRun[], measured: boolean): Record<string, string> {
  const paths: Record<string, string> = {};
  const runDir = join(dir, "run-dir");
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, "config.json"), JSON.stringify({ name: "synthetic", flops: measured ? "measured" : "6nd", mock_enabled: false }));
  // Under `flops: 6nd` a record may still carry the FLOPs the worker counted (here a transformer's): the sweep's accounting decides.
  writeFileSync(join(runDir, "results.jsonl"), runs.map((r) => `${JSON.stringify(record(r, measured ? r.flops : transformerFlopsPerToken(r.n_params) * r.n_tokens))}\n`).join(""));
  paths.run_dir = runDir;
  mkdirSync(join(dir, "alone"), { recursive: true });
  paths.results_jsonl = join(dir, "alone", "results.jsonl");
  writeFileSync(paths.results_jsonl, runs.map((r) => `${JSON.stringify(record(r, measured ? r.flops : null))}\n`).join(""));
  const flopsColumn = measured ? ",flops" : "";
  const flopsCell = (r: SyntheticRun) => (measured ? `,${r.flops}` : "");
  paths.csv = join(dir, "runs.csv");
  writeFileSync(paths.csv, `n_params,n_tokens,loss,budget_flops${flopsColumn}\n${runs.map((r) => `${r.n_params},${r.n_tokens},${r.loss},${r.budget_flops}${flopsCell(r)}`).join("\n")}\n`);
  paths.csv_no_budget = join(dir, "derived.csv");
  writeFileSync(paths.csv_no_budget, `n_params,n_tokens,loss${flopsColumn}\n${runs.map((r) => `${r.n_params},${r.n_tokens},${r.loss}${flopsCell(r)}`).join("\n")}\n`);
  // W&B's "Export as CSV": newest run first, its own columns, the config and summary the worker logged.
  paths.wandb = join(dir, "wandb-export.csv");
  const header = "Name,State,experiment_id,stage,mock,budget_flops,n_params,status,loss,n_tokens,flops_6nd,flops_measured";
  const lines = [...runs].reverse().map((r) => [r.experiment_id, "finished", r.experiment_id, "sweep", "false", r.budget_flops, r.n_params, "completed", r.loss, r.n_tokens, 6 * r.n_params * r.n_tokens, measured ? r.flops : ""].join(","));
  writeFileSync(paths.wandb, `${header}\n${lines.join("\n")}\n`);
  paths.minimal_jsonl = join(dir, "rows.jsonl");
  writeFileSync(paths.minimal_jsonl, runs.map((r) => `${JSON.stringify({ n_params: r.n_params, n_tokens: r.n_tokens, loss: r.loss, budget_flops: r.budget_flops, ...(measured ? { flops: r.flops } : {}) })}\n`).join(""));
  return paths;
}

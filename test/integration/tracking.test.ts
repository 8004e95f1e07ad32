import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";
import { sweepDir } from "./sweep-dir.js";

const PYTHON = join(PROJECT_ROOT, ".venv", "bin", "python");

interface Shown { scalars: Record<string, Array<[number, number]>>; images: string[]; texts: string[] }

/** What TensorBoard shows of these folders (its own EventAccumulator, in the workers' Python). */
function tensorboard(folders: string[]): Record<string, Shown> {
  const out = execFileSync(PYTHON, [join(PROJECT_ROOT, "test", "integration", "tensorboard_scalars.py"), ...folders], { encoding: "utf8" });
  return JSON.parse(out) as Record<string, Shown>;
}

function wandbInstalled(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import wandb"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The W&B run id of each offline run folder (offline-run-<time>-<id>). */
function offlineRuns(runDir: string): string[] {
  const root = join(runDir, "wandb");
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((name) => name.startsWith("offline-run-")).map((name) => name.replace(/^offline-run-\d{8}_\d{6}-/, ""));
}

/** Every file under a folder, with its size: what a second sweep must leave as it was. */
function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
}

describe("tracking", () => {
  it("a tiny real sweep logs each run to TensorBoard and W&B (offline), the fit to a summary run, and a resumed sweep adds nothing", async () => {
    const { config, out } = sweepDir("tracking", [
      "name: tracked",
      "plugin: gpt",
      "planning:",
      "  budgets: [3e9, 1e10]",
      "  sizes_per_budget: 3",
      "  refine_rounds: 0",
      "  size_values: [8, 16, 24, 32, 48, 64]",
      "training:",
      "  eval_tokens: 1024",
      "tracking:",
      "  tensorboard: true",
      "  wandb: { project: flops-fit-tests, mode: offline }",
    ]);
    const env = { WANDB_MODE: "offline", WANDB_DIR: out, WANDB_SILENT: "true" };
    const first = await runCli(["sweep", config, "--out", out, "--workers", "2", "--bootstrap", "20"], { env });
    expect([0, 1], first.stdout.slice(-1500) + first.stderr.slice(-3000)).toContain(first.code); // 1: a tiny real sweep may find no law
    const records = readJournal(join(out, "results.jsonl")).records;
    const completed = records.filter((r) => r.status === "completed");
    const planned = (JSON.parse(readFileSync(join(out, "plan.json"), "utf8")) as { experiments: unknown[] }).experiments.length;
    expect(completed).toHaveLength(planned);

    // TensorBoard: one folder per experiment, plus the fit's.
    const root = join(out, "tensorboard");
    expect(readdirSync(root).sort()).toEqual([...completed.map((r) => r.experiment_id), "fit"].sort());
    const shown = tensorboard(completed.map((r) => join(root, r.experiment_id)));
    for (const record of completed) {
      const scalars = shown[join(root, record.experiment_id)]!.scalars;
      const steps = scalars["train/loss"]!.map(([step]) => step);
      expect(steps.length, record.experiment_id).toBeGreaterThanOrEqual(10);
      expect(steps).toEqual([...steps].sort((a, b) => a - b)); // in order, each once
      expect(new Set(steps).size).toBe(steps.length);
      expect(Object.keys(scalars)).toEqual(expect.arrayContaining(["train/lr", "train/tokens", "train/tokens_per_s", "eval/loss"]));
      // The final held-out loss is the record's (event files hold 32-bit floats).
      expect(scalars["eval/loss"]).toEqual([[record.steps, Math.fround(record.loss!)]]);
    }

    // W&B: one offline run per experiment plus the summary run; else the sweep said once why not.
    const withWandb = wandbInstalled();
    if (withWandb) {
      const ids = offlineRuns(out);
      expect(ids).toHaveLength(completed.length + 1);
      expect(new Set(ids).size).toBe(ids.length);
    } else {
      const said = first.stderr.split("\n").filter((line) => line.includes("the wandb package is not installed"));
      expect(said, first.stderr.slice(-3000)).toHaveLength(1);
      expect(completed.every((r) => r.tracking_warnings?.some((w) => w.includes("wandb package is not installed")))).toBe(true);
    }

    // The fit's summary run: the exponents, the Chinchilla table and the figures.
    const fit = tensorboard([join(root, "fit")])[join(root, "fit")]!;
    expect(fit.texts).toContain("fit/chinchilla_table/text_summary");
    expect(fit.images).toEqual(expect.arrayContaining(["fit/isoflop-curves", "fit/training-curves"]));
    const fitted = Object.entries((JSON.parse(readFileSync(join(out, "fit.json"), "utf8")) as { approaches: Record<string, { status: string; a?: number }> }).approaches)
      .filter(([, approach]) => approach.status === "fitted");
    for (const [approach, result] of fitted) expect(fit.scalars[`fit/approach${approach}/a`]).toEqual([[completed.length, Math.fround(result.a!)]]);

    // A second sweep (resume) runs nothing and logs nothing anywhere.
    const before = files(root);
    const second = await runCli(["sweep", config, "--out", out, "--workers", "2", "--bootstrap", "20", "--json"], { env });
    const json = JSON.parse(second.stdout) as { completed: number; skipped: number; tracking_warnings: string[] };
    expect(json.completed).toBe(0);
    expect(json.skipped).toBe(planned);
    expect(json.tracking_warnings).toEqual([]);
    expect(files(root)).toEqual(before);
    if (withWandb) expect(offlineRuns(out)).toHaveLength(completed.length + 1);
  }, 300_000);
});

/**
 * A truncated checkpoint costs one failed attempt at most, and the next resume completes the
 * run (real workers, the tiny regression model): a sweep stopped mid-run leaves its
 * checkpoint; its weights file is cut short; `sweep` again resumes, finds the checkpoint
 * damaged, moves it aside, names it in the record and trains the run from scratch in the
 * same attempt — no retry loop, no failed attempt.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";
import { waitFor } from "./processes.js";

describe("a damaged checkpoint on resume", () => {
  it("is moved aside and named in the record, and the run completes in the same attempt", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ff-heal-"));
    copyFileSync(join(PROJECT_ROOT, "test/fixtures/tiny_plugin/tiny.py"), join(dir, "tiny.py"));
    writeFileSync(join(dir, "heal.yaml"), [
      // Steps of ≥ 30 ms: the first run (39 steps) saves a checkpoint every 0.5 s before it ends.
      "model:", '  target: "tiny:SlowMLP"', "  size_param: width", "  options: { pause_s: 0.03 }", "data:", '  target: "tiny:Regression"', "loss:", '  target: "tiny:mse"',
      "flops: 6nd", "planning:", "  budgets: [1e8]", "  sizes_per_budget: 3", "  refine_rounds: 0", "  size_values: [32, 64, 128]",
      "training:", "  batch_size: 256", "  checkpoint_interval_s: 0.5", "  eval_tokens: 256", "",
    ].join("\n"));
    const out = join(dir, "run");
    const saved = () => (existsSync(join(out, "checkpoints")) ? readdirSync(join(out, "checkpoints")).filter((id) => existsSync(join(out, "checkpoints", id, "checkpoint", "run.json"))) : []);
    let cliPid = 0;
    const first = runCli(["sweep", "heal.yaml", "--out", out, "--workers", "1", "--json", "--bootstrap", "0"], { cwd: dir, onSpawn: (pid) => (cliPid = pid) });
    expect(await waitFor(() => saved().length > 0, 120_000)).toBe(true);
    process.kill(cliPid, "SIGTERM");
    expect((await first).code).toBe(130);
    const [id] = saved();
    const folder = join(out, "checkpoints", id!, "checkpoint");
    const weights = readdirSync(folder).find((f) => f.endsWith(".safetensors"))!;
    truncateSync(join(folder, weights), Math.floor(statSync(join(folder, weights)).size / 2));

    const again = await runCli(["sweep", "heal.yaml", "--out", out, "--workers", "1", "--json", "--bootstrap", "0"], { cwd: dir });
    expect([0, 1]).toContain(again.code); // one budget: the fit may find no law; the runs are what this tests
    const attempts = readJournal(join(out, "results.jsonl")).records.filter((r) => r.experiment_id === id);
    expect(attempts.map((r) => r.status)).toEqual(["cancelled", "completed"]);
    expect(attempts[1]!.resumed_from_step).toBeNull();
    expect(attempts[1]!.discarded_checkpoints).toEqual([expect.stringMatching(new RegExp(`${weights.replace(".", "\\.")} is truncated .*; moved aside to .*checkpoint\\.discarded$`))]);
  }, 300_000);
});

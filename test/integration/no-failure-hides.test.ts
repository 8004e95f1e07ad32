/**
 * No failure hides: a sweep whose runs all fail exits 1 and shows each run's exception line
 * (console and --json, full text under logs/errors/), `fit` on it exits 1 too, and the
 * planner's pre-flight stops a model that cannot take one training step, or a data/loss
 * pairing that shifts the targets twice, before anything trains (exit 2).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { runCli } from "./cli.js";
import { sweepDir } from "./sweep-dir.js";

const mlp = (options: string) => [
  "model:", '  target: "tiny:FlakyMLP"', "  size_param: width", `  options: ${options}`,
  "data:", '  target: "tiny:Regression"', "loss:", '  target: "tiny:mse"',
  "planning:", "  budgets: [1e7, 1e8, 1e9]", "  sizes_per_budget: 3", "  refine_rounds: 0", "  span: 2",
  "  size_values: { min: 8, max: 2048, count: 30 }", "training:", "  eval_tokens: 64",
];

function withTiny(prefix: string, lines: string[]) {
  const sweep = sweepDir(prefix, lines);
  copyFileSync(join(PROJECT_ROOT, "test/fixtures/tiny_plugin/tiny.py"), join(sweep.dir, "tiny.py"));
  return sweep;
}

interface FailedRun { experiment_id: string; attempt: number; status: string; size_value: number; error_line: string; log: string }

describe("no failure hides", () => {
  it("a sweep whose every run fails exits 1, prints each run's exception line, and fit on it exits 1", async () => {
    const sweep = withTiny("allfail", mlp("{ raise_all: true }"));
    const text = await runCli(["sweep", sweep.config, "--out", sweep.out, "--workers", "2", "--bootstrap", "0"]);
    expect(text.code, text.stderr).toBe(1);
    const widths = [...text.stdout.matchAll(/^ {2}failed +\w{12} +C=\S+ size (\d+): ValueError: training broke at width (\d+)$/gm)];
    expect(widths.length).toBe(9); // one line per run, each with its own exception line
    for (const [, size, width] of widths) expect(size).toBe(width);
    expect(text.stdout).not.toMatch(/Traceback \(most recent call last\):$/m);
    expect(text.stdout).toMatch(/sweep failed:\n {2}- budget 1\.00e\+7: none of its 3 runs completed/);
    expect(text.stderr).toMatch(/failed +\w{12} +\[\d\/9\] +attempt 1: ValueError: training broke at width \d+/); // the live console

    const json = await runCli(["sweep", sweep.config, "--out", sweep.out, "--workers", "2", "--bootstrap", "0", "--json"]);
    expect(json.code).toBe(1);
    const summary = JSON.parse(json.stdout) as { completed: number; failed: number; failures: FailedRun[]; problems: string[] };
    expect(summary).toMatchObject({ completed: 0, failed: 9 });
    expect(summary.failures).toHaveLength(9);
    for (const f of summary.failures) {
      expect(f.error_line).toBe(`ValueError: training broke at width ${f.size_value}`);
      expect(f.attempt).toBe(2);
      expect(readFileSync(f.log, "utf8")).toContain("Traceback (most recent call last):"); // the full text
    }
    expect(summary.problems.join("\n")).toMatch(/no fit|no usable approach/);

    const fit = await runCli(["fit", sweep.out]);
    expect(fit.code).toBe(1);
    expect(fit.stderr).toMatch(/no completed run to fit \(9 failed\); e\.g\. ValueError: training broke at width \d+/);
  }, 300_000);

  it("plan stops on a model that cannot take one training step, naming the size and the error (exit 2, nothing trained)", async () => {
    const probe = withTiny("plan", mlp("{}"));
    const planned = await runCli(["plan", probe.config, "--json"]);
    expect(planned.code, planned.stderr).toBe(0);
    const width = (JSON.parse(planned.stdout) as { experiments: Array<{ size_value: number }> }).experiments[4]!.size_value;
    const broken = withTiny("broken", mlp(`{ broken_width: ${width} }`));
    for (const args of [["plan", broken.config], ["sweep", broken.config, "--out", broken.out, "--mock"]]) {
      const run = await runCli([...args, "--json"]);
      expect(run.code).toBe(2);
      const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string } };
      expect(error.code).toBe("model_cannot_train");
      expect(error.message).toContain(`size ${width} (N = `);
      expect(error.message).toContain(`ValueError: this model cannot run at width ${width}`);
    }
    expect(existsSync(broken.results) ? readFileSync(broken.results, "utf8") : "").toBe("");
  }, 180_000);

  it("the pre-flight check refuses a model that shifts already-shifted targets (double shift), exit 2", async () => {
    const corpus = "def add(a, b):\n    return a + b\n\n".repeat(2000);
    const sweep = withTiny("shift", []);
    const corpusFile = join(sweep.dir, "corpus.txt");
    writeFileSync(corpusFile, corpus);
    writeFileSync(sweep.config, [
      "model:", '  target: "tiny:ShiftingLM"', "  size_param: width",
      "data:", '  target: "plugins.gpt.data:ByteCorpus"', `  options: { source: path, path: ${JSON.stringify(corpusFile)}, seq_len: 16, heldout_fraction: 0.1 }`,
      "planning:", "  budgets: [1e8, 1e9, 1e10]", "  size_values: [8, 16, 32, 64, 128]", "  sizes_per_budget: 3",
    ].join("\n"));
    const run = await runCli(["sweep", sweep.config, "--out", sweep.out, "--json"], { cwd: sweep.dir });
    expect(run.code).toBe(2);
    const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe("misaligned_targets");
    expect(error.message).toMatch(/double shift: the data's targets are already the next tokens/);
    expect(error.message).toContain("next_token_cross_entropy");
  }, 120_000);
});

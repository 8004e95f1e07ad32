import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";
import { sweepDir } from "./sweep-dir.js";

describe("scheduler.processes: 2", () => {
  it("trains each run as a two-rank process group (accelerate launch, gloo on CPU) driven by rank 0", async () => {
    const { config, out } = sweepDir("ranks", [
      "plugin: gpt",
      "planning:",
      "  budgets: [1e10]",
      "  sizes_per_budget: 3",
      "  refine_rounds: 0",
      "  tokens_per_param: 60",
      "  size_values: { min: 4, max: 64, count: 16, multiple_of: 4 }",
      "scheduler:",
      "  processes: 2",
      "  workers: 1",
      "training:",
      "  eval_tokens: 4096",
    ]);
    const run = await runCli(["sweep", config, "--json", "--out", out, "--bootstrap", "0"]);
    // One budget gives no law, so the sweep exits 1 and says so; the runs themselves are what this tests.
    expect(run.code, run.stdout.slice(0, 1500) + run.stderr).toBe(1);
    expect((JSON.parse(run.stdout) as { problems: string[] }).problems).toEqual([expect.stringMatching(/^the fit has no usable approach/)]);
    const records = readJournal(join(out, "results.jsonl")).records;
    expect(records).toHaveLength(3);
    for (const record of records) expect(record).toMatchObject({ status: "completed", world_size: 2 });
  }, 240_000);
});

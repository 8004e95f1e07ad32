import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";

const MODEL = `
import torch
from torch import nn


class Net(nn.Module):
    """A researcher's own model: no num_params(), nothing flops-fit-specific."""

    def __init__(self, width, depth=1):
        super().__init__()
        layers = [nn.Flatten(), nn.Linear(64, width), nn.GELU()]
        for _ in range(depth - 1):
            layers += [nn.Linear(width, width), nn.GELU()]
        self.body = nn.Sequential(*layers, nn.Linear(width, 10))

    def forward(self, images):
        return self.body(images)
`;

const CONFIG = `model:
  target: "net:Net"
  size_param: width
data:
  target: "plugins.vit.data:Digits"
loss:
  target: "flops_fit_worker.losses:cross_entropy"
planning:
  budgets: [3e8, 1e9, 3e9]
  sizes_per_budget: 3
  refine_rounds: 0
  size_values: [4, 8, 12, 16, 24, 32, 48, 64, 96, 128]
`;

describe("a model defined outside the repository", () => {
  it("sweeps unchanged with a ten-line config (real training)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ff-outside-"));
    writeFileSync(join(dir, "net.py"), MODEL);
    writeFileSync(join(dir, "sweep.yaml"), CONFIG);
    const out = join(dir, "run");
    const run = await runCli(["sweep", join(dir, "sweep.yaml"), "--json", "--out", out, "--workers", "2", "--bootstrap", "0"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { completed: number; failed: number };
    expect(summary).toMatchObject({ completed: 9, failed: 0 });
    const records = readJournal(join(out, "results.jsonl")).records;
    for (const record of records) {
      expect(record.loss).toBeGreaterThan(0);
      expect(record.n_params).toBe(64 * record.size_value + record.size_value + 10 * record.size_value + 10);
      expect(record.flops_measured).toBeGreaterThan(0);
    }
  }, 240_000);
});

/**
 * A new user's `plugins inspect` of a plugin folder counts the model the sweep trains: the
 * plugin's data hints (10 classes, 1 channel) reach the model's arguments as in a sweep, so
 * the counts printed are the counts the sweep records — not the library's defaults (1000
 * classes, 3 channels), which gave 64,416 parameters against 25,474 trained at width 4.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TargetReport } from "../../src/plugins/inspect-target.js";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "../integration/cli.js";

const MODULE = `import torch
from torch import nn


class MLP(nn.Module):
    """A library-style classifier: its defaults are ImageNet's (1000 classes, 3 channels)."""

    def __init__(self, width: int, num_classes: int = 1000, in_chans: int = 3, img_size: int = 8):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(in_chans * img_size * img_size, width), nn.ReLU(), nn.Linear(width, num_classes))

    def forward(self, x):
        return self.net(x)


class Digits:
    """Random 1-channel 8x8 images in 10 classes; the hints say so."""

    tokens_per_sample = 1
    train_tokens = 100000

    def __init__(self, seed: int = 0):
        self.seed = seed

    def model_hints(self):
        return {"num_classes": 10, "channels": 1, "image_size": 8}

    def _batch(self, generator, batch_size):
        return torch.randn(batch_size, 1, 8, 8, generator=generator), torch.randint(0, 10, (batch_size,), generator=generator)

    def train_batches(self, batch_size, seed):
        generator = torch.Generator().manual_seed(seed)
        while True:
            yield self._batch(generator, batch_size)

    def eval_batches(self, batch_size, n_tokens):
        generator = torch.Generator().manual_seed(999)
        for start in range(0, n_tokens, batch_size):
            yield self._batch(generator, min(batch_size, n_tokens - start))
`;

const MANIFEST = `export default {
  name: "mlp",
  model: { target: "mlpmod:MLP", sizeParam: "width" },
  data: { target: "mlpmod:Digits" },
  loss: { target: "flops_fit_worker.losses:cross_entropy" },
};
`;

describe("plugins inspect of a plugin folder", () => {
  it("prints the counts the sweep records, and says it built the model with the plugin's data hints", async () => {
    const project = mkdtempSync(join(tmpdir(), "ff-inspect-sweep-"));
    const plugin = join(project, "mlp");
    mkdirSync(plugin);
    writeFileSync(join(plugin, "mlpmod.py"), MODULE);
    writeFileSync(join(plugin, "plugin.ts"), MANIFEST);
    writeFileSync(join(project, "sweep.yaml"), "plugin: ./mlp\nflops: 6nd\nplanning:\n  budgets: [1e8, 3e8, 1e9]\n  sizes_per_budget: 3\n  refine_rounds: 0\n  size_values: [4, 8, 16, 32]\ntraining:\n  eval_tokens: 64\n");

    const inspected = await runCli(["plugins", "inspect", "./mlp", "--sizes", "4,8,16,32", "--json"], { cwd: project });
    expect(inspected.code, inspected.stderr).toBe(0);
    const report = JSON.parse(inspected.stdout) as TargetReport;
    expect(report).toMatchObject({ source: "plugin", data: "mlpmod:Digits", hints: { num_classes: { value: 10, argument: "num_classes" }, channels: { value: 1, argument: "in_chans" } } });
    // width 4: 1·8·8·4 + 4 + 4·10 + 10 = 310 (at the library's defaults it would be 3·64·4 + 4 + 4·1000 + 1000 = 5,772).
    expect(report.counts[0]).toMatchObject({ size: 4, n_params: 310 });
    const text = await runCli(["plugins", "inspect", "./mlp", "--sizes", "4"], { cwd: project });
    expect(text.stdout).toMatch(/counted as a sweep of this plugin builds it: data mlpmod:Digits gives num_classes=10 → num_classes, channels=1 → in_chans, image_size=8 → img_size/);

    const swept = await runCli(["sweep", "sweep.yaml", "--mock", "--json", "--workers", "1", "--bootstrap", "0"], { cwd: project });
    const records = readJournal(join(project, "runs", "sweep-mock", "results.jsonl")).records;
    expect(records.length, swept.stderr + swept.stdout.slice(0, 500)).toBeGreaterThan(0);
    const inspectedBySize = new Map(report.counts.map((c) => [c.size, c.n_params]));
    for (const record of records) expect(record.n_params).toBe(inspectedBySize.get(record.size_value));
  }, 180_000);
});

/**
 * Real model families, unchanged: the documented tiny configs of Hugging Face GPT-2 and Llama
 * (configs/hf_models.py builds each from its HF config) and timm's VisionTransformer (no
 * factory at all) sweep to the end through the CLI. Skipped when the worker's `models` extra
 * (transformers, timm) is not installed.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { readJournal } from "../../src/store/journal.js";
import { hasPython } from "../plugins/helpers.js";
import { runCli } from "./cli.js";

const cases = [
  { config: "configs/hf-gpt2.yaml", module: "transformers", target: "hf_models:gpt2" },
  { config: "configs/hf-llama.yaml", module: "transformers", target: "hf_models:llama" },
  { config: "configs/timm-vit.yaml", module: "timm", target: "timm.models.vision_transformer:VisionTransformer" },
];

describe.each(cases)("$config", ({ config, module, target }) => {
  it.skipIf(!hasPython(module))(`sweeps ${target} unchanged: every run completes, with epochs, and a law answers`, async () => {
    const out = join(mkdtempSync(join(tmpdir(), "ff-real-")), "run");
    const run = await runCli(["sweep", join(PROJECT_ROOT, config), "--out", out, "--workers", "1", "--bootstrap", "0", "--json"]);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(run.stdout) as { completed: number; failed: number; fit: { preferred_approach: number | null } };
    expect(summary.failed).toBe(0);
    expect(summary.completed).toBeGreaterThanOrEqual(9);
    expect(summary.fit.preferred_approach).not.toBeNull();
    const records = readJournal(join(out, "results.jsonl")).records;
    expect(records.every((r) => r.status === "completed" && typeof r.epochs === "number" && r.epochs > 0)).toBe(true);
  }, 600_000);
});

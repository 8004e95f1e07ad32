/**
 * Through the built CLI, as a user runs it: `flops-fit tokenize` → token shards → a tiny real
 * sweep on `data.options: { source: tokens, path: DIR }` (records carry the tokenizer's
 * vocabulary and their epochs), and the same run directory refusing other tokens.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";

const dir = mkdtempSync(join(tmpdir(), "ff-tokenize-"));
const corpus = join(dir, "corpus");
mkdirSync(corpus);
for (let file = 0; file < 12; file++) {
  const lines = Array.from({ length: 120 }, (_, i) => `def f${file}_${i}(x, y):\n    return x * ${i % 9} + y - ${(file * i) % 13}\n`);
  writeFileSync(join(corpus, `part${file}.py`), lines.join("\n"));
}

const SWEEP = (path: string) => `name: tokens
plugin: gpt
model: { options: { n_layers: 1, n_heads: 2 } }
data: { options: { source: tokens, path: ${path}, seq_len: 32 } }
planning:
  budgets: [5e8, 1e9, 2e9]
  sizes_per_budget: 3
  tokens_per_param: 3
  refine_rounds: 0
  size_values: [4, 8, 12, 16, 20, 24, 32, 40, 48]
training: { eval_tokens: 2048 }
`;

interface Manifest { hash: string; vocab_size: number; dtype: string; splits: { train: { tokens: number } } }

describe("flops-fit tokenize, then a sweep on the tokens", () => {
  it("tokenizes once, does nothing the second time, and refuses bad input with exit 2", async () => {
    const out = join(dir, "tokens");
    const first = await runCli(["tokenize", corpus, "--tokenizer", "bpe:300", "--out", out, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const made = JSON.parse(first.stdout) as { up_to_date: boolean; manifest: Manifest };
    expect(made.up_to_date).toBe(false);
    expect(made.manifest).toMatchObject({ vocab_size: 300, dtype: "uint16" });
    expect(readdirSync(out).sort()).toEqual(["heldout-00000.bin", "manifest.json", "tokenizer.json", "train-00000.bin"]);

    const again = await runCli(["tokenize", corpus, "--tokenizer", "bpe:300", "--out", out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^up to date \(nothing to do\): .*tokens {2}\(manifest [0-9a-f]{16}\)/);
    expect(again.stdout).toMatch(/vocabulary 300 \(uint16\)/);

    const nothing = await runCli(["tokenize", join(dir, "absent"), "--tokenizer", "bpe:300", "--out", join(dir, "never"), "--json"]);
    expect(nothing.code).toBe(2);
    expect(JSON.parse(nothing.stdout)).toMatchObject({ error: { code: "bad_tokenize_input", message: expect.stringMatching(/absent: no such file or folder/) } });
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    const unloadable = await runCli(["tokenize", corpus, "--tokenizer", broken, "--out", join(dir, "never")]);
    expect(unloadable.code).toBe(2);
    expect(unloadable.stderr).toMatch(/^flops-fit: --tokenizer .*broken\.json: .*does not load as a tokenizer/m);
    expect(existsSync(join(dir, "never")) ? readdirSync(join(dir, "never")) : []).toEqual([]);
  }, 120_000);

  it("sweeps the built-in GPT on them: records carry the tokenizer's vocabulary and epochs; other tokens are another sweep", async () => {
    const tokens = join(dir, "tokens");
    if (!existsSync(join(tokens, "manifest.json"))) {
      expect((await runCli(["tokenize", corpus, "--tokenizer", "bpe:300", "--out", tokens])).code).toBe(0);
    }
    const manifest = JSON.parse(readFileSync(join(tokens, "manifest.json"), "utf8")) as Manifest;
    writeFileSync(join(dir, "sweep.yaml"), SWEEP("tokens"));
    const out = join(dir, "run");
    const sweep = await runCli(["sweep", join(dir, "sweep.yaml"), "--out", out, "--workers", "2", "--bootstrap", "0", "--json"], { cwd: dir });
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(JSON.parse(sweep.stdout)).toMatchObject({ completed: 9, failed: 0 });
    const records = readJournal(join(out, "results.jsonl")).records;
    expect(records).toHaveLength(9);
    for (const record of records) {
      expect(record.status).toBe("completed");
      expect(record.data_hints).toEqual({ vocab_size: manifest.vocab_size, seq_len: 32 });
      expect(record.epochs).toBeCloseTo(record.n_tokens! / manifest.splits.train.tokens, 6);
      // the GPT's token and position embeddings: (vocabulary + seq_len) × d_model
      expect(record.n_params_embedding).toBe((manifest.vocab_size + 32) * record.size_value);
    }
    const saved = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { definition: { data: { options: Record<string, unknown> } } };
    expect(saved.definition.data.options).toMatchObject({ source: "tokens", path: tokens, data_hash: manifest.hash });

    // The same folder tokenized with another vocabulary: the run directory refuses it.
    expect((await runCli(["tokenize", corpus, "--tokenizer", "bpe:280", "--out", tokens])).code).toBe(0);
    const refused = await runCli(["sweep", join(dir, "sweep.yaml"), "--out", out, "--json"], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/data\.options\.data_hash/);
  }, 240_000);
});

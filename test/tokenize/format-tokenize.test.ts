import { describe, expect, it } from "vitest";
import { formatTokenizeSummary, tokenizeReporter } from "../../src/tokenize/format-tokenize.js";
import { tokenizerArgs, type TokenizeOutcome } from "../../src/tokenize/run-tokenizer.js";

describe("tokenize's console output", () => {
  it("writes every stage, progress at most every interval, with the stage's rate", () => {
    const lines: string[] = [];
    let now = 0;
    const report = tokenizeReporter((line) => lines.push(line), 2000, () => now);
    report({ event: "stage", stage: "encode", total_bytes: 4e6, vocab_size: 4096, dtype: "uint16" });
    now = 500;
    report({ event: "progress", stage: "encode", bytes: 1e6, total_bytes: 4e6 }); // too soon after the stage line
    now = 2000;
    report({ event: "progress", stage: "encode", bytes: 2e6, total_bytes: 4e6 });
    expect(lines).toEqual([
      "tokenize: encoding 4.00 MB (vocabulary 4,096, uint16)",
      "tokenize: encoding 2.00 MB of 4.00 MB (50%), 1.0 MB/s",
    ]);
  });

  it("summarises the folder: splits, vocabulary, bytes per token, manifest hash", () => {
    const split = (tokens: number, documents: number) => ({ tokens, documents, shards: [{ file: "x.bin", tokens }] });
    const outcome: TokenizeOutcome = {
      out: "/t/stdlib", up_to_date: false,
      manifest: {
        format: "flops-fit-tokens", version: 1, hash: "98a19f34c8101552", vocab_size: 4096, dtype: "uint16", eot: "<|endoftext|>", eot_token: 0,
        tokens: 1_294_329, tokens_per_byte: 0.2755, heldout_fraction: 0.02, tokenizer: { hash: "h", kind: "bpe", file: "tokenizer.json" },
        inputs: { files: 168, bytes: 4_698_388, text_bytes: 4_698_388, documents: 168, hash: "i" },
        splits: { train: split(1_268_443, 166), heldout: split(25_886, 2) }, provenance: { inputs: ["stdlib:"], tokenizer: "bpe:4096", seconds: 4.3 },
      },
    };
    expect(formatTokenizeSummary(outcome)).toBe([
      "wrote: /t/stdlib  (manifest 98a19f34c8101552)",
      "  tokenizer  bpe:4096: vocabulary 4,096 (uint16), end of document <|endoftext|> = 0",
      "  inputs     168 files, 4.70 MB, 168 documents",
      "  train      1,268,443 tokens, 166 documents, 1 shard",
      "  held out   25,886 tokens, 2 documents, 1 shard",
      "  3.63 bytes per token (0.276 tokens per byte); 4.3 s",
    ].join("\n"));
  });

  it("passes only the options given to the Python side", () => {
    expect(tokenizerArgs({ inputs: ["a", "stdlib:"], tokenizer: "bpe:300", out: "o", field: "body", heldoutFraction: 0.1 })).toEqual([
      "-m", "flops_fit_worker.tokenizing", "a", "stdlib:", "--tokenizer", "bpe:300", "--out", "o", "--field", "body", "--heldout-fraction", "0.1",
    ]);
  });
});

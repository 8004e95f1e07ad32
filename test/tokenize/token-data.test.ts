/**
 * `data.options: { source: tokens, path: DIR }` resolved before any worker starts: the path
 * against the config's folder, the manifest's hash (or raw shards' content hash) in the options,
 * and so in the sweep definition: a sweep on other tokens is another sweep.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, PROJECT_ROOT, type LoadedConfig } from "../../src/config/load.js";
import { loadManifest } from "../../src/plugins/load-manifest.js";
import { SweepConfig } from "../../src/config/schema.js";
import { UserError } from "../../src/errors/user-error.js";
import type { DataSpec } from "../../src/protocol/messages.js";
import { definitionDifferences, definitionFingerprint, sweepDefinition } from "../../src/store/sweep-definition.js";
import { rawBinHash, resolveTokenData, TOKEN_DATA_TARGET } from "../../src/tokenize/token-data.js";

const dir = mkdtempSync(join(tmpdir(), "ff-token-data-"));
const config = SweepConfig.parse({ planning: { budgets: [1e11] } });
const loaded: LoadedConfig = { config, file: join(dir, "sweep.yaml"), baseDir: dir };

/** A token folder's manifest as `flops-fit tokenize` writes it (the fields the CLI reads). */
function tokenFolder(name: string, hash: string, vocab = 4096): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const split = (tokens: number) => ({ tokens, documents: 1, shards: [{ file: "train-00000.bin", tokens }] });
  writeFileSync(join(folder, "manifest.json"), JSON.stringify({
    format: "flops-fit-tokens", version: 1, hash, vocab_size: vocab, dtype: "uint16", eot: "<|endoftext|>", eot_token: 0, tokens: 1000,
    tokens_per_byte: 0.3, heldout_fraction: 0.02, tokenizer: { hash: "t", kind: "bpe", file: "tokenizer.json" },
    inputs: { files: 1, bytes: 3000, text_bytes: 3000, documents: 2, hash: "i" }, splits: { train: split(980), heldout: split(20) },
  }));
  return folder;
}

const tokens = (path: string, extra: Record<string, unknown> = {}): DataSpec => ({ target: TOKEN_DATA_TARGET, options: { source: "tokens", path, seq_len: 128, ...extra } });

const plugin = (data: DataSpec) => ({
  name: "gpt", model: { target: "plugins.gpt.model:GPT", size_param: "d_model", options: {} }, data, loss: null,
});

async function fingerprintOf(data: DataSpec): Promise<string> {
  return definitionFingerprint(sweepDefinition({ config, plugin: plugin(await resolveTokenData(data, loaded)), mock: null, flops: "measured" }));
}

async function userError(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe("resolveTokenData", () => {
  it("adds the manifest's hash and resolves path against the config's folder", async () => {
    tokenFolder("a", "00000000000000aa");
    const resolved = await resolveTokenData(tokens("a"), loaded);
    expect(resolved.options).toMatchObject({ source: "tokens", path: join(dir, "a"), data_hash: "00000000000000aa", seq_len: 128 });
  });

  it("puts the manifest's hash in the sweep definition: other tokens are another sweep", async () => {
    tokenFolder("a", "00000000000000aa");
    tokenFolder("b", "00000000000000bb");
    const a = await fingerprintOf(tokens("a"));
    expect(await fingerprintOf(tokens("a"))).toBe(a);
    expect(await fingerprintOf(tokens("b"))).not.toBe(a);
    tokenFolder("a", "00000000000000cc"); // the same folder tokenized again, differently
    expect(await fingerprintOf(tokens("a"))).not.toBe(a);
    const before = sweepDefinition({ config, plugin: plugin(await resolveTokenData(tokens("b"), loaded)), mock: null, flops: "measured" });
    const after = sweepDefinition({ config, plugin: plugin(await resolveTokenData(tokens("a"), loaded)), mock: null, flops: "measured" });
    expect(definitionDifferences(before, after)).toContain("data.options.data_hash: \"00000000000000bb\" → \"00000000000000cc\"");
  });

  it("leaves other data alone", async () => {
    const bytes: DataSpec = { target: TOKEN_DATA_TARGET, options: { source: "stdlib", seq_len: 128 } };
    expect(await resolveTokenData(bytes, loaded)).toBe(bytes);
    const mine: DataSpec = { target: "mydata:Tokens", options: { source: "tokens" } };
    expect(await resolveTokenData(mine, loaded)).toBe(mine);
  });

  it("refuses a folder without tokens, saying how to make them, at the config's field", async () => {
    const missing = await userError(resolveTokenData(tokens("nowhere"), loaded));
    expect(missing.message).toMatch(/does not exist; make it with `flops-fit tokenize INPUT\.\.\. --tokenizer T --out .*nowhere`/);
    expect(missing.where).toMatchObject({ file: loaded.file, field: "data.options.path" });
    mkdirSync(join(dir, "unfinished"), { recursive: true });
    expect((await userError(resolveTokenData(tokens("unfinished"), loaded))).message).toMatch(/no manifest\.json/);
    expect((await userError(resolveTokenData({ target: TOKEN_DATA_TARGET, options: { source: "tokens" } }, loaded))).message).toMatch(/needs path/);
    mkdirSync(join(dir, "bad"), { recursive: true });
    writeFileSync(join(dir, "bad", "manifest.json"), JSON.stringify({ format: "something-else" }));
    expect((await userError(resolveTokenData(tokens("bad"), loaded))).message).toMatch(/not a flops-fit token manifest/);
  });

  it("hashes nanoGPT's raw .bin shards by content and needs their dtype and vocabulary", async () => {
    mkdirSync(join(dir, "nanogpt"), { recursive: true });
    writeFileSync(join(dir, "nanogpt", "train.bin"), Buffer.from(new Uint16Array([1, 2, 3, 4]).buffer));
    writeFileSync(join(dir, "nanogpt", "val.bin"), Buffer.from(new Uint16Array([5, 6]).buffer));
    expect((await userError(resolveTokenData(tokens("nanogpt"), loaded))).message).toMatch(/give their dtype/);
    const tooMany = await userError(resolveTokenData(tokens("nanogpt", { dtype: "uint16", vocab_size: 70_000 }), loaded));
    expect(tooMany.message).toMatch(/too many for dtype uint16/);
    const resolved = await resolveTokenData(tokens("nanogpt", { dtype: "uint16", vocab_size: 50_304 }), loaded);
    const first = rawBinHash([join(dir, "nanogpt", "train.bin"), join(dir, "nanogpt", "val.bin")]);
    expect(resolved.options.data_hash).toBe(first);
    writeFileSync(join(dir, "nanogpt", "val.bin"), Buffer.from(new Uint16Array([5, 7]).buffer));
    expect((await resolveTokenData(tokens("nanogpt", { dtype: "uint16", vocab_size: 50_304 }), loaded)).options.data_hash).not.toBe(first);
  });
});

describe("configs/stdlib-bpe.yaml", () => {
  it("is a valid config whose data options the gpt plugin accepts (tokens of the stdlib, bpe:4096)", async () => {
    const example = loadConfig(join(PROJECT_ROOT, "configs", "stdlib-bpe.yaml"));
    const gpt = await loadManifest(join(PROJECT_ROOT, "plugins", "gpt", "plugin.ts"));
    const options = gpt.data.options!.strict().parse(example.config.data.options);
    expect(options).toMatchObject({ source: "tokens", tokenize: { inputs: ["stdlib:"], tokenizer: "bpe:4096" } });
  });
});

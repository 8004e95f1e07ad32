/**
 * The gpt plugin's `data.options: { source: tokens, path: DIR }` made concrete before any
 * worker starts: `path` relative to the config's folder, a `tokenize:` block run first (an
 * up-to-date folder costs only a hash of the inputs), and `data_hash` added to the options:
 * the manifest's hash, or for nanoGPT's raw .bin shards a hash of their contents. The options
 * are what the sweep definition, experiment ids and probe cache are made of, so a sweep on
 * other tokens is another sweep (store/sweep-definition.ts), and the worker checks that the
 * folder still holds the tokens that were planned.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import type { LoadedConfig } from "../config/load.js";
import { UserError, type ErrorLocation } from "../errors/user-error.js";
import type { DataSpec } from "../protocol/messages.js";
import { tokenizeReporter } from "./format-tokenize.js";
import { runTokenizer } from "./run-tokenizer.js";
import { readTokenManifest } from "./token-manifest.js";

/** The data target whose `source: tokens` this resolves (the built-in gpt plugin's). */
export const TOKEN_DATA_TARGET = "plugins.gpt.data:ByteCorpus";
/** Raw shards up to this size are hashed whole; larger ones by their size and sampled blocks. */
const WHOLE_HASH_BYTES = 1 << 30;
const SAMPLE_BLOCKS = 64;
const SAMPLE_BYTES = 1 << 16;

/** The `tokenize:` block of data.options (validated by plugins/gpt/plugin.ts). */
interface TokenizeOptions {
  inputs: string[];
  tokenizer: string;
  field?: string;
  eot?: string;
  dtype?: "auto" | "uint16" | "uint32";
  heldout_fraction?: number;
}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}

/** nanoGPT's raw shards at `path`: one .bin file, or train.bin (+ val.bin) in a folder; [] when none. */
export function rawBinFiles(path: string): string[] {
  if (existsSync(path) && statSync(path).isFile()) return path.endsWith(".bin") ? [path] : [];
  const train = join(path, "train.bin");
  if (!existsSync(train)) return [];
  return existsSync(join(path, "val.bin")) ? [train, join(path, "val.bin")] : [train];
}

/** sha256 (16 hex digits) of raw shards: names, sizes, and contents (whole up to 1 GiB, else 64 evenly spaced 64 KiB blocks). */
export function rawBinHash(files: string[]): string {
  const digest = createHash("sha256");
  for (const file of files) {
    const size = statSync(file).size;
    digest.update(`${basename(file)}:${size}\n`);
    const fd = openSync(file, "r");
    try {
      const buffer = Buffer.alloc(size <= WHOLE_HASH_BYTES ? Math.min(size, 1 << 24) : SAMPLE_BYTES);
      const offsets = size <= WHOLE_HASH_BYTES
        ? Array.from({ length: Math.ceil(size / buffer.length) }, (_, i) => i * buffer.length)
        : Array.from({ length: SAMPLE_BLOCKS }, (_, i) => Math.floor((i * (size - SAMPLE_BYTES)) / (SAMPLE_BLOCKS - 1)));
      for (const offset of offsets) digest.update(buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, offset)));
    } finally {
      closeSync(fd);
    }
  }
  return digest.digest("hex").slice(0, 16);
}

/**
 * `data` with `source: tokens` resolved (other data unchanged). `note` receives the embedded
 * tokenize's progress lines.
 */
export async function resolveTokenData(data: DataSpec, loaded: LoadedConfig, note: (text: string) => void = () => undefined): Promise<DataSpec> {
  if (data.target !== TOKEN_DATA_TARGET || data.options.source !== "tokens") return data;
  const where = (field: string): ErrorLocation => ({ file: loaded.file, field: `data.options.${field}`, ...loaded.locate?.(["data", "options", field]) });
  const { tokenize, ...options } = data.options as Record<string, unknown> & { tokenize?: TokenizeOptions };
  if (typeof options.path !== "string") {
    throw new UserError("data.options.path: source: tokens needs path: a folder written by flops-fit tokenize, or nanoGPT .bin shards", "missing_token_path", where("source"));
  }
  const path = resolve(loaded.baseDir, expandHome(options.path));
  if (tokenize) {
    note(`tokenize: ${tokenize.inputs.join(" ")} with ${tokenize.tokenizer} into ${path}`);
    try {
      const outcome = await runTokenizer({ inputs: tokenize.inputs, tokenizer: tokenize.tokenizer, out: path, field: tokenize.field, eot: tokenize.eot, dtype: tokenize.dtype, heldoutFraction: tokenize.heldout_fraction, cwd: loaded.baseDir, python: loaded.config.python }, tokenizeReporter(note, 5000));
      const m = outcome.manifest;
      note(`tokenize: ${outcome.up_to_date ? "up to date" : "wrote"} ${path}: ${m.tokens.toLocaleString("en-US")} tokens, vocabulary ${m.vocab_size.toLocaleString("en-US")} (manifest ${m.hash})`);
    } catch (error) {
      if (error instanceof UserError) throw new UserError(`data.options.tokenize: ${error.message}`, error.code, where("tokenize"));
      throw error;
    }
  }
  let manifest;
  try {
    manifest = readTokenManifest(path);
  } catch (error) {
    throw new UserError(`data.options.path: ${(error as Error).message}; tokenize again`, "bad_token_manifest", where("path"));
  }
  if (manifest) return { target: data.target, options: { ...options, path, data_hash: manifest.hash } };
  const raw = rawBinFiles(path);
  if (raw.length === 0) {
    const what = existsSync(path) ? "holds no manifest.json (not a finished flops-fit tokenize folder) and no train.bin" : "does not exist";
    throw new UserError(
      `data.options.path: ${path} ${what}; make it with \`flops-fit tokenize INPUT... --tokenizer T --out ${path}\`, or add tokenize: { inputs, tokenizer } to data.options`,
      "missing_tokens", where("path"),
    );
  }
  if (options.dtype === undefined || options.vocab_size === undefined) {
    throw new UserError(`data.options: ${path} holds raw .bin shards without a manifest: give their dtype (uint16 or uint32) and vocab_size`, "raw_shards_need_dtype", where("path"));
  }
  if (options.dtype === "uint16" && (options.vocab_size as number) > 65_535) {
    throw new UserError(`data.options.vocab_size: ${options.vocab_size} tokens are too many for dtype uint16 (at most 65,535); use uint32`, "vocab_too_large", where("vocab_size"));
  }
  return { target: data.target, options: { ...options, path, data_hash: rawBinHash(raw) } };
}

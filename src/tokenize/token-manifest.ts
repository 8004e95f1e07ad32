/**
 * The manifest of a token folder (`flops-fit tokenize --out DIR` writes DIR/manifest.json; the
 * Python side, py_runtime/flops_fit_worker/token_shards.py, defines it). Only the fields the CLI
 * shows or checks are named; the rest pass through.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const MANIFEST_FILE = "manifest.json";

const Split = z.looseObject({
  tokens: z.number().int().nonnegative(),
  documents: z.number().int().nonnegative(),
  shards: z.array(z.looseObject({ file: z.string(), tokens: z.number().int().nonnegative() })),
});

export const TokenManifest = z.looseObject({
  format: z.literal("flops-fit-tokens"),
  version: z.number().int(),
  /** 16 hex digits over everything that determines the tokens: a sweep's definition includes it. */
  hash: z.string().regex(/^[0-9a-f]{16}$/),
  vocab_size: z.number().int().positive(),
  dtype: z.enum(["uint16", "uint32"]),
  eot: z.string(),
  eot_token: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  tokens_per_byte: z.number().nonnegative(),
  heldout_fraction: z.number(),
  tokenizer: z.looseObject({ hash: z.string(), kind: z.string(), file: z.string() }),
  inputs: z.looseObject({ files: z.number().int(), bytes: z.number(), text_bytes: z.number(), documents: z.number().int(), hash: z.string() }),
  splits: z.object({ train: Split, heldout: Split }),
  provenance: z.looseObject({ inputs: z.array(z.string()), tokenizer: z.string(), seconds: z.number() }).optional(),
});
export type TokenManifest = z.infer<typeof TokenManifest>;

/** DIR/manifest.json parsed, null when the folder has none; throws with the zod issue when it is not a manifest. */
export function readTokenManifest(folder: string): TokenManifest | null {
  const file = join(folder, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  const parsed = TokenManifest.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file}: not a flops-fit token manifest (${z.prettifyError(parsed.error).split("\n").join("; ")})`);
  return parsed.data;
}

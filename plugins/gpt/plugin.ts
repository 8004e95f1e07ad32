// Built-in plugin: a decoder-only transformer (GPT) trained byte-level on text that every
// machine with Python has (the standard library's sources), or on a local text folder or
// Hugging Face dataset; or on token shards (`source: tokens`, docs/tokenize.md). Size parameter: d_model.
import { definePlugin, z } from "flops-fit";

export default definePlugin({
  name: "gpt",
  description: "Decoder-only transformer on a byte-level corpus (Python stdlib sources offline; local text or HF dataset)",
  model: {
    target: "plugins.gpt.model:GPT",
    sizeParam: "d_model",
    sizeValues: { min: 8, max: 512, count: 48, multiple_of: 4 },
    options: z.object({
      n_layers: z.number().int().positive().default(2),
      n_heads: z.number().int().positive().default(4),
      dropout: z.number().min(0).max(1).default(0),
      // seq_len and vocab_size come from the data source unless set here.
      seq_len: z.number().int().positive().optional(),
      vocab_size: z.number().int().positive().optional(),
    }),
  },
  data: {
    target: "plugins.gpt.data:ByteCorpus",
    options: z.object({
      source: z.enum(["stdlib", "path", "hf", "tokens"]).default("stdlib"),
      path: z.string().optional(),
      // source: tokens (docs/tokenize.md). Raw nanoGPT .bin shards carry no manifest: their id type and vocabulary.
      dtype: z.enum(["uint16", "uint32"]).optional(),
      vocab_size: z.number().int().positive().optional(),
      // Make `path` with `flops-fit tokenize` first (nothing to do when it is up to date); paths relative to the config.
      tokenize: z.strictObject({
        inputs: z.array(z.string()).min(1),
        tokenizer: z.string(),
        field: z.string().optional(),
        eot: z.string().optional(),
        dtype: z.enum(["auto", "uint16", "uint32"]).optional(),
        heldout_fraction: z.number().gt(0).lt(0.5).optional(),
      }).optional(),
      hf_dataset: z.string().optional(),
      hf_split: z.string().default("train"),
      text_field: z.string().default("text"),
      seq_len: z.number().int().positive().default(128),
      heldout_fraction: z.number().gt(0).lt(0.5).default(0.02),
    }),
  },
  loss: { target: "flops_fit_worker.losses:next_token_cross_entropy" },
  flops: "measured",
});

import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../cli/base-command.js";
import { RuntimeFailure } from "../errors/user-error.js";
import { formatTokenizeSummary, tokenizeReporter } from "../tokenize/format-tokenize.js";
import { runTokenizer } from "../tokenize/run-tokenizer.js";

export default class Tokenize extends BaseCommand {
  static override summary = "Tokenize a corpus into token shards and a manifest, for a sweep's data.options: { source: tokens, path: DIR }.";
  static override description = `INPUT: text files or folders, JSONL/JSON/CSV/Parquet files with a text field (--field), a local Hugging Face dataset saved with save_to_disk, or stdlib: (this Python's standard-library sources). --tokenizer: a tokenizer.json, a local tokenizer folder, or bpe:V to train a byte-level BPE of V tokens on the inputs (offline; nothing is downloaded).

Writes DIR/train-*.bin and DIR/heldout-*.bin (uint16 ids when the vocabulary has at most 65,535 tokens, else uint32; the held-out split is the last --heldout-fraction of the tokens), DIR/tokenizer.json and DIR/manifest.json (tokenizer hash, vocabulary, dtype, tokens and documents per split, the end-of-document token, the inputs' hash). The same inputs and tokenizer again: nothing to do. Bad input exits 2 and leaves DIR as it was. See docs/tokenize.md.`;
  static override examples = [
    "<%= config.bin %> tokenize stdlib: --tokenizer bpe:4096 --out runs/tokens/stdlib-bpe4096",
    "<%= config.bin %> tokenize data/*.jsonl --field content --tokenizer ~/tokenizers/gpt2 --out tokens/mine --json",
  ];
  static override strict = false;
  static override args = { input: Args.string({ name: "INPUT", description: "files, folders, saved datasets, or stdlib:", required: true }) };
  static override flags = {
    tokenizer: Flags.string({ description: "tokenizer.json, a tokenizer folder, or bpe:V (train a byte-level BPE of V tokens on the inputs)", required: true }),
    out: Flags.string({ description: "folder for the shards and manifest (created; a token folder there is replaced)", required: true }),
    field: Flags.string({ description: "the text field of JSONL/CSV/Parquet rows and dataset columns", default: "text" }),
    eot: Flags.string({ description: "end-of-document token (default: the tokenizer's own, e.g. <|endoftext|>)" }),
    dtype: Flags.string({ description: "token id type (auto: uint16 up to 65,535 tokens, else uint32)", options: ["auto", "uint16", "uint32"], default: "auto" }),
    "heldout-fraction": Flags.string({ description: "the last fraction of the tokens held out for evaluation", default: "0.02" }),
  };

  async run() {
    const { argv, flags } = await this.parse(Tokenize);
    const controller = new AbortController();
    const interrupt = () => controller.abort();
    process.on("SIGINT", interrupt).on("SIGTERM", interrupt);
    try {
      const outcome = await runTokenizer(
        { inputs: argv as string[], tokenizer: flags.tokenizer, out: flags.out, field: flags.field, eot: flags.eot, dtype: flags.dtype as "auto", heldoutFraction: Number(flags["heldout-fraction"]) },
        tokenizeReporter((line) => this.note(line)), controller.signal,
      );
      this.say(formatTokenizeSummary(outcome));
      return outcome;
    } catch (error) {
      if (error instanceof RuntimeFailure && error.code === "stopped") {
        this.note(error.message);
        this.exit(130);
      }
      throw error;
    } finally {
      process.off("SIGINT", interrupt).off("SIGTERM", interrupt);
    }
  }
}

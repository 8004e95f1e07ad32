/** What `flops-fit tokenize` prints: its progress lines and the summary of the folder it wrote. */
import type { TokenizeEvent, TokenizeOutcome } from "./run-tokenizer.js";

const STAGES: Record<string, string> = { hash: "reading the inputs", train: "training the BPE", encode: "encoding" };

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
}

function count(value: number): string {
  return value.toLocaleString("en-US");
}

/**
 * One line for a stage or progress event (null for the others). `elapsedS` is the time since
 * the stage began, for the rate.
 */
export function tokenizeProgressLine(event: TokenizeEvent, elapsedS: number): string | null {
  if (event.event === "stage") {
    const detail = event.stage === "encode" && event.vocab_size ? ` (vocabulary ${count(event.vocab_size)}, ${event.dtype})` : "";
    return `tokenize: ${STAGES[event.stage] ?? event.stage} ${megabytes(event.total_bytes)}${detail}`;
  }
  if (event.event !== "progress") return null;
  const pct = event.total_bytes > 0 ? Math.min(100, (100 * event.bytes) / event.total_bytes) : 100;
  const rate = elapsedS > 0 ? `, ${(event.bytes / 1e6 / elapsedS).toFixed(1)} MB/s` : "";
  return `tokenize: ${STAGES[event.stage] ?? event.stage} ${megabytes(event.bytes)} of ${megabytes(event.total_bytes)} (${pct.toFixed(0)}%)${rate}`;
}

/** The folder's summary: tokenizer, splits, tokens per byte, manifest hash. */
export function formatTokenizeSummary(outcome: TokenizeOutcome): string {
  const m = outcome.manifest;
  const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? "" : "s"}`;
  const lines = [
    `${outcome.up_to_date ? "up to date (nothing to do)" : "wrote"}: ${outcome.out}  (manifest ${m.hash})`,
    `  tokenizer  ${m.provenance?.tokenizer ?? m.tokenizer.kind}: vocabulary ${count(m.vocab_size)} (${m.dtype}), end of document ${m.eot} = ${m.eot_token}`,
    `  inputs     ${plural(m.inputs.files, "file")}, ${megabytes(m.inputs.bytes)}, ${plural(m.inputs.documents, "document")}`,
    `  train      ${plural(m.splits.train.tokens, "token")}, ${plural(m.splits.train.documents, "document")}, ${plural(m.splits.train.shards.length, "shard")}`,
    `  held out   ${plural(m.splits.heldout.tokens, "token")}, ${plural(m.splits.heldout.documents, "document")}, ${plural(m.splits.heldout.shards.length, "shard")}`,
    `  ${(1 / Math.max(m.tokens_per_byte, 1e-12)).toFixed(2)} bytes per token (${m.tokens_per_byte.toFixed(3)} tokens per byte)` +
      (m.provenance && !outcome.up_to_date ? `; ${m.provenance.seconds.toFixed(1)} s` : ""),
  ];
  return lines.join("\n");
}

/**
 * An event handler that writes stage lines at once and progress lines at most every `everyMs`
 * (the rate counted from the stage's start).
 */
export function tokenizeReporter(write: (line: string) => void, everyMs = 2000, now: () => number = Date.now): (event: TokenizeEvent) => void {
  let stageStart = now();
  let lastLine = 0;
  return (event) => {
    if (event.event === "stage") stageStart = now();
    if (event.event === "progress" && now() - lastLine < everyMs) return;
    const line = tokenizeProgressLine(event, (now() - stageStart) / 1000);
    if (line === null) return;
    lastLine = now();
    write(line);
  };
}

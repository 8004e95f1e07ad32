/**
 * Runs the tokenizer (`python -m flops_fit_worker.tokenizing`, with the workers' Python) and reads
 * what it says: one JSON event per line on its stdout (stage, progress, done, error). Its exit
 * code 2 is bad input (a UserError naming the problem), 130 a stop, anything else a failure with
 * the tail of its stderr. Nothing of the child reaches this process's stdout, so `--json` stays clean.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { RuntimeFailure, UserError } from "../errors/user-error.js";
import { choosePython, workerPythonPath } from "../scheduler/python.js";
import { TokenManifest } from "./token-manifest.js";

export interface TokenizeRequest {
  /** Files, folders, saved datasets or `stdlib:`, relative to `cwd`. */
  inputs: string[];
  /** `bpe:V`, a tokenizer.json or a tokenizer folder. */
  tokenizer: string;
  out: string;
  field?: string;
  eot?: string;
  dtype?: "auto" | "uint16" | "uint32";
  heldoutFraction?: number;
  /** Tokens per shard file (default 2^28). */
  shardTokens?: number;
  /** Folder the relative paths start from (default: the current one). */
  cwd?: string;
  /** The config's `python` (default: FLOPS_FIT_PYTHON, else the project's .venv), as for workers. */
  python?: string;
}

const Stage = z.object({ event: z.literal("stage"), stage: z.string(), total_bytes: z.number(), vocab_size: z.number().optional(), dtype: z.string().optional() });
const ProgressEvent = z.object({ event: z.literal("progress"), stage: z.string(), bytes: z.number(), total_bytes: z.number() });
const Done = z.object({ event: z.literal("done"), out: z.string(), up_to_date: z.boolean(), manifest: TokenManifest });
const Failed = z.object({ event: z.literal("error"), code: z.string(), message: z.string() });
export const TokenizeEvent = z.discriminatedUnion("event", [Stage, ProgressEvent, Done, Failed]);
export type TokenizeEvent = z.infer<typeof TokenizeEvent>;
export type TokenizeOutcome = Omit<z.infer<typeof Done>, "event">;

/** The command line of the Python side for a request. */
export function tokenizerArgs(request: TokenizeRequest): string[] {
  const args = ["-m", "flops_fit_worker.tokenizing", ...request.inputs, "--tokenizer", request.tokenizer, "--out", request.out];
  if (request.field !== undefined) args.push("--field", request.field);
  if (request.eot !== undefined) args.push("--eot", request.eot);
  if (request.dtype !== undefined) args.push("--dtype", request.dtype);
  if (request.heldoutFraction !== undefined) args.push("--heldout-fraction", String(request.heldoutFraction));
  if (request.shardTokens !== undefined) args.push("--shard-tokens", String(request.shardTokens));
  return args;
}

export function runTokenizer(request: TokenizeRequest, onEvent: (event: TokenizeEvent) => void = () => undefined, signal?: AbortSignal): Promise<TokenizeOutcome> {
  const python = choosePython(request.python).executable;
  const cwd = resolve(request.cwd ?? process.cwd());
  return new Promise((settle, reject) => {
    const child = spawn(python, tokenizerArgs(request), {
      cwd, env: { ...process.env, PYTHONPATH: workerPythonPath(), PYTHONUNBUFFERED: "1" }, stdio: ["ignore", "pipe", "pipe"],
    });
    const stop = () => child.kill("SIGTERM");
    signal?.addEventListener("abort", stop, { once: true });
    let done: TokenizeOutcome | null = null;
    let failed: z.infer<typeof Failed> | null = null;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      let parsed: ReturnType<typeof TokenizeEvent.safeParse>;
      try {
        parsed = TokenizeEvent.safeParse(JSON.parse(line));
      } catch {
        return; // a stray print of a library: not an event
      }
      if (!parsed.success) return;
      const event = parsed.data;
      if (event.event === "done") done = { out: event.out, up_to_date: event.up_to_date, manifest: event.manifest };
      if (event.event === "error") failed = event;
      onEvent(event);
    });
    child.on("error", (error) => reject(new RuntimeFailure(`cannot run the tokenizer with ${python}: ${error.message} (flops-fit doctor shows the fix)`, "python_missing")));
    child.on("close", (code) => {
      signal?.removeEventListener("abort", stop);
      const message = (failed as z.infer<typeof Failed> | null)?.message;
      if (code === 0 && done) return settle(done);
      if (code === 2 && message) return reject(new UserError(message, "bad_tokenize_input"));
      if (code === 130 || signal?.aborted) return reject(new RuntimeFailure(message ?? "tokenize stopped", "stopped"));
      const tail = stderr.trim().split("\n").slice(-5).join("\n");
      reject(new RuntimeFailure(`tokenize failed (exit ${code}): ${message ?? "no message"}${tail ? `\n${tail}` : ""}`, "tokenize_failed"));
    });
  });
}

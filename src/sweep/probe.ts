/** Measures parameter counts (and FLOPs per token) of the model family at every candidate size. */
import { UserError, RuntimeFailure } from "../errors/user-error.js";
import type { SizeProbe } from "../planning/iso-flop.js";
import type { ResolvedPlugin } from "../plugins/registry.js";
import type { UnbuildableSize } from "../protocol/messages.js";
import type { Executor, Outcome } from "../scheduler/executor.js";

export interface ProbeOutcome {
  sizes: SizeProbe[];
  tokensPerSample: number;
  /** Tokens in one pass over the training data (null when the data does not say). */
  trainTokens: number | null;
  /** Candidate sizes whose model did not build. */
  unbuildable: UnbuildableSize[];
}

/** A probe whose worker dies is tried again on a fresh worker, up to this many times. */
const PROBE_ATTEMPTS = 3;

export async function probeSizes(pool: Executor, plugin: ResolvedPlugin, sizeValues: number[], measureFlops: boolean): Promise<ProbeOutcome> {
  let outcome = await probeOnce(pool, plugin, sizeValues, measureFlops);
  for (let attempt = 2; attempt <= PROBE_ATTEMPTS && outcome.kind === "lost"; attempt++) outcome = await probeOnce(pool, plugin, sizeValues, measureFlops);
  return interpret(outcome);
}

function probeOnce(pool: Executor, plugin: ResolvedPlugin, sizeValues: number[], measureFlops: boolean) {
  return pool.run({
    type: "task",
    kind: "probe",
    task_id: "probe",
    model: plugin.model,
    data: plugin.data,
    loss: plugin.loss,
    size_values: sizeValues,
    measure_flops: measureFlops,
    sys_path: plugin.sysPath,
  });
}

function interpret(outcome: Outcome): ProbeOutcome {
  if (outcome.kind === "result" && outcome.message.kind === "probe") {
    const m = outcome.message;
    return { sizes: m.sizes, tokensPerSample: m.tokens_per_sample, trainTokens: m.train_tokens ?? null, unbuildable: m.unbuildable ?? [] };
  }
  if (outcome.kind === "task_error") {
    const { code, message, traceback } = outcome.message;
    // A target that does not import or a model that rejects its options is the user's input.
    if (code === "import_error" || code === "bad_target") throw new UserError(message, code, { field: "model.target" });
    // The pre-flight check refused how the data's targets meet the loss (a double shift, say).
    if (code === "misaligned_targets") throw new UserError(`the pre-flight check refused this data and loss: ${message}`, code, { field: "loss.target" });
    // Data that does not load is the data's error (data.options), never the model's.
    if (code === "data_error") throw new UserError(`${message} (data.target, data.options)`, code, { field: "data" });
    throw new UserError(`building the model to count its parameters failed: ${message}${traceback ? `\n${traceback}` : ""}`, "probe_failed", {});
  }
  if (outcome.kind === "lost") throw new RuntimeFailure(`the probe's worker was lost: ${outcome.reason}\n${outcome.logTail}`, "probe_lost");
  throw new RuntimeFailure(`the probe did not run: ${outcome.kind === "cancelled" ? outcome.reason : "unexpected answer"}`, "probe_failed");
}

/**
 * What the probe's pre-flight found, turned into decisions before anything trains:
 * - sizes whose model did not build are left out, with a warning naming each;
 * - a planned size whose one real training step failed stops the plan (exit 2), naming the
 *   size and the error: a model that cannot take one step cannot yield a run;
 * - runs that see their training data more than once get a warning (fit/epochs.ts).
 */
import { UserError } from "../errors/user-error.js";
import type { SizeProbe } from "../planning/iso-flop.js";
import type { UnbuildableSize } from "../protocol/messages.js";
import { errorLine } from "../util/error-line.js";

/** The warning for candidate sizes the model family cannot take, or null when every size built. */
export function unbuildableWarning(unbuildable: UnbuildableSize[]): string | null {
  if (unbuildable.length === 0) return null;
  const shown = unbuildable.slice(0, 4).map((u) => `${u.size_value} (${errorLine(u.error)})`).join("; ");
  const more = unbuildable.length > 4 ? `; and ${unbuildable.length - 4} more` : "";
  return `${unbuildable.length} candidate size${unbuildable.length === 1 ? "" : "s"} did not build and ${unbuildable.length === 1 ? "was" : "were"} left out: ${shown}${more}. Choose planning.size_values the model accepts (e.g. multiple_of: the head count)`;
}

/** Throws when no candidate size built at all: nothing can be planned. */
export function assertSomeSizeBuilds(sizes: SizeProbe[], unbuildable: UnbuildableSize[], target: string): void {
  if (sizes.length > 0) return;
  const first = unbuildable[0];
  throw new UserError(
    `the model ${target} did not build at any candidate size${first ? `; at ${first.size_value}: ${errorLine(first.error)}` : ""}. Check model.options and planning.size_values`,
    "model_build_failed", { field: "model" },
  );
}

/** Throws a UserError naming every planned size whose training step failed in the probe. */
export function assertTrainable(planned: number[], probes: SizeProbe[], target: string): void {
  const bySize = new Map(probes.map((p) => [p.size_value, p]));
  const failed = planned.map((size) => bySize.get(size)).filter((p): p is SizeProbe => Boolean(p?.flops_error));
  if (failed.length === 0) return;
  const lines = failed.map((p) => `  size ${p.size_value} (N = ${p.n_params.toExponential(2)}): ${errorLine(p.flops_error ?? "")}`);
  throw new UserError(
    `the model cannot train at ${failed.length} planned size${failed.length === 1 ? "" : "s"}: one forward/backward step of ${target} failed:\n${lines.join("\n")}\nFix the model, data or loss (or leave those sizes out of planning.size_values); nothing was trained`,
    "model_cannot_train", { field: "model" },
  );
}

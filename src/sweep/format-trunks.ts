/** The trunks of a WSD plan and its cost against cosine, as terminal text (`plan`, `sweep`). */
import { renderTable, sci } from "../util/table.js";
import type { SweepCost } from "../planning/wsd.js";
import type { Experiment } from "./experiments.js";
import { trunksOf } from "./wsd-experiments.js";

/** One row per trunk: its size, how far it trains, and each branch as budget@step. */
export function formatTrunks(experiments: readonly Experiment[]): string {
  const trunks = trunksOf(experiments);
  if (trunks.length === 0) return "";
  const rows = trunks.map((trunk) => {
    const first = trunk.branches[0]!;
    return [
      trunk.trunk_id,
      String(trunk.size_value),
      sci(first.n_params),
      String(trunk.steps),
      sci(trunk.steps * first.wsd!.tokens_per_step),
      trunk.branches.map((b) => `${sci(b.budget_flops)}@${b.wsd!.branch_step}→${b.wsd!.total_steps}`).join("  "),
    ];
  });
  const branches = trunks.reduce((sum, t) => sum + t.branches.length, 0);
  return `WSD: ${trunks.length} trunks, ${branches} branches (budget@branch step→last step)\n` +
    renderTable(["trunk", "size", "N", "steps", "tokens", "branches"], rows);
}

/** "training FLOPs: spent vs a cosine sweep of the same points (×saving)". */
export function formatCost(cost: SweepCost, measured: boolean): string {
  // A ratio needs both sides: with nothing completed there are no points to compare (no "-Infinity% saved").
  const ratio = cost.train_flops > 0 && cost.cosine_equivalent_flops > 0 ? cost.cosine_equivalent_flops / cost.train_flops : 1;
  const verb = measured ? "spent" : "to spend";
  return `training FLOPs ${verb}: ${sci(cost.train_flops)}; a cosine sweep of the same points: ${sci(cost.cosine_equivalent_flops)}` +
    (Math.abs(ratio - 1) > 1e-9 ? ` (${ratio.toFixed(2)}× as much; ${(100 * (1 - 1 / ratio)).toFixed(0)}% saved)` : "");
}

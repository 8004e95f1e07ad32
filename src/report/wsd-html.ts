/**
 * The report's WSD section (docs/training.md, "WSD"): each trunk with its branches (budget,
 * branch step, held-out loss) and the training compute spent against a cosine sweep of the
 * same points. Shown only when the runs are WSD branches. Pure.
 */
import { formatBudget } from "./budget-color.js";
import { escapeHtml, formatNumber, htmlTable } from "./html.js";
import type { ResultRecord } from "../store/record.js";
import type { SweepCost } from "../planning/wsd.js";

export function wsdHtml(records: readonly ResultRecord[], trunks: readonly ResultRecord[], cost: SweepCost | null): string {
  const branches = records.filter((r) => r.trunk_id !== undefined && r.role !== "trunk" && r.status === "completed");
  if (branches.length === 0) return "";
  const byTrunk = new Map<string, ResultRecord[]>();
  for (const branch of branches) {
    const id = branch.trunk_id!;
    byTrunk.set(id, [...(byTrunk.get(id) ?? []), branch]);
  }
  const trunkSteps = new Map<string, number>();
  for (const trunk of trunks) trunkSteps.set(trunk.experiment_id, Math.max(trunkSteps.get(trunk.experiment_id) ?? 0, trunk.steps ?? 0));
  const rows = [...byTrunk.entries()].sort(([, a], [, b]) => a[0]!.size_value - b[0]!.size_value).map(([id, list]) => {
    const sorted = [...list].sort((a, b) => (a.branch_step ?? 0) - (b.branch_step ?? 0));
    const described = sorted.map((b) => `${formatBudget(b.budget_flops)} @ ${String(b.branch_step)}→${String(b.steps ?? "?")}: ${formatNumber(b.loss ?? NaN, 4)}`).join("; ");
    return [escapeHtml(id), escapeHtml(String(sorted[0]!.size_value)), escapeHtml(formatNumber(sorted[0]!.n_params ?? NaN, 3)),
      escapeHtml(trunkSteps.has(id) ? String(trunkSteps.get(id)) : "–"), escapeHtml(String(sorted.length)), escapeHtml(described)];
  });
  const saved = cost && cost.train_flops > 0
    ? `Training FLOPs spent: <strong>${escapeHtml(formatNumber(cost.train_flops, 3))}</strong>; a cosine sweep of the same points: ${escapeHtml(formatNumber(cost.cosine_equivalent_flops, 3))} ` +
      `(<strong>${escapeHtml(formatNumber(cost.cosine_equivalent_flops / cost.train_flops, 3))}×</strong>; ${escapeHtml(formatNumber(100 * (1 - cost.train_flops / cost.cosine_equivalent_flops), 2))}% saved).`
    : "";
  return `<section id="wsd"><h2>Warmup–stable–decay trunks</h2>
<p>${byTrunk.size} trunks, ${branches.length} completed branches: each point is a cooldown branching off its model's constant-LR trunk. ${saved}</p>
${htmlTable(["trunk", "size", "N", "trunk steps", "branches", "budget @ branch step→last step: held-out loss"], rows, { numeric: [2, 3, 4] })}
</section>`;
}

/** The backtest as text, for the terminal (fitting/backtest.ts). Plain text, no colour. */
import type { Backtest, BacktestPrediction } from "./backtest.js";
import { MIN_LAW_SHARE } from "./determination.js";
import { formatScientific, formatSignificant } from "./format-number.js";
import { FEW_RESAMPLES_MARK } from "./format-verdict.js";

const QUANTITY: Record<BacktestPrediction["quantity"], string> = { loss: "run losses", n_opt: "N* (optimum)", loss_opt: "L* (optimum)" };
const pct = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(2)}%`);

/** Whether a prediction's interval was drawn from fewer than MIN_LAW_SHARE of the resamples (marked, never a plain interval). */
export const fewDraws = (p: BacktestPrediction, backtest: Pick<Backtest, "resamples">) => p.draws !== undefined && p.draws < MIN_LAW_SHARE * backtest.resamples;

export function formatBacktest(backtest: Backtest): string {
  const level = `${Math.round(backtest.confidence * 1000) / 10}%`;
  const budgets = (list: number[]) => list.map((c) => formatScientific(c)).join(", ");
  const lines = [
    `Backtest: fitted on ${backtest.fitted_budgets.length} budgets (${budgets(backtest.fitted_budgets)}), predicted the ${backtest.holdout} held out (${budgets(backtest.held_out_budgets)}); ${level} prediction intervals over ${backtest.resamples} resamples.`,
    `  mean ARE of the answer's (approach ${backtest.preferred_approach ?? "–"}) loss predictions ${pct(backtest.mean_are)}; of its N* ${pct(backtest.mean_are_n_opt)}`,
  ];
  const scored = (backtest.scores ?? []).filter((s) => s.score !== null);
  if (scored.length > 0) {
    lines.push(`  error on N* + L* (chooses the answer among the determined approaches): ${scored.map((s) => `approach ${s.approach} ${pct(s.n_opt_are)} + ${pct(s.loss_opt_are)}`).join(", ")}`);
  }
  for (const s of backtest.summary) {
    lines.push(`  approach ${s.approach}, ${QUANTITY[s.quantity]}: ${s.count} predicted, mean ARE ${pct(s.mean_are)}, ${s.covered} of ${s.with_interval} intervals covered`);
  }
  for (const p of backtest.predictions.filter((r) => r.quantity !== "loss")) {
    const interval = p.interval ? ` [${formatSignificant(p.interval.lo, 4)}, ${formatSignificant(p.interval.hi, 4)}]${fewDraws(p, backtest) ? FEW_RESAMPLES_MARK : ""}` : "";
    const observed = p.observed === null ? `not observed (${p.note ?? "refused"})` : `observed ${formatSignificant(p.observed, 4)}, ARE ${pct(p.are)}${p.covered === null ? "" : p.covered ? ", covered" : ", NOT covered"}`;
    lines.push(`  C = ${formatScientific(p.budget_flops)} approach ${p.approach} ${p.quantity === "n_opt" ? "N*" : "L*"} = ${formatSignificant(p.predicted, 4)}${interval}: ${observed}`);
  }
  if (backtest.predictions.some((p) => p.interval && fewDraws(p, backtest))) lines.push(`  ${FEW_RESAMPLES_MARK} from fewer than ${Math.round(100 * MIN_LAW_SHARE)}% of the ${backtest.resamples} resamples (the rest gave no law, or no vertex for the held-out parabola): not a ${level} interval`);
  for (const w of backtest.warnings) lines.push(`  - ${w}`);
  return lines.join("\n");
}

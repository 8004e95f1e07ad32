/**
 * The report's learning-rate calibration section (`training.lr: calibrate`): the fitted
 * rule next to the built-in one (and the mock's truth), each size's best learning rate,
 * and what the stage cost. Pure.
 */
import { autoLearningRate } from "../planning/hyper.js";
import { ruleLearningRate, type LrRule } from "../planning/lr-calibration.js";
import type { CalibrationRecord } from "../store/calibration-record.js";
import { formatBudget } from "./budget-color.js";
import { escapeHtml, formatNumber, formatSci, htmlTable } from "./html.js";

const ruleText = (rule: LrRule) => `η*(N) = ${formatNumber(rule.c, 4)} · N^−${formatNumber(rule.k, 3)}`;

/** `training`: the run's resolved training config (for the built-in rule's clipping). */
export function lrCalibrationHtml(calibration: CalibrationRecord | null, training: { lr_reference: number; lr_exponent: number } | null): string {
  if (!calibration) return "";
  const rules: string[][] = [
    ["calibrated (used by the sweep)", escapeHtml(ruleText(calibration.rule)), escapeHtml(formatNumber(calibration.rms_log_residual, 3))],
    ["built-in (lr_reference, lr_exponent)", escapeHtml(ruleText(calibration.built_in_rule)), ""],
  ];
  if (calibration.true_rule) rules.push(["truth of the --mock surface (mock.lr_optimum)", escapeHtml(ruleText(calibration.true_rule)), ""]);
  const builtIn = (n: number) => (training ? autoLearningRate(training, n) : ruleLearningRate(calibration.built_in_rule, n));
  const sizes = calibration.optima.map((o) => [
    escapeHtml(String(o.size_value)), escapeHtml(formatNumber(o.n_params, 3)), escapeHtml(formatSci(o.lr_opt)),
    escapeHtml(formatSci(ruleLearningRate(calibration.rule, o.n_params))), escapeHtml(formatSci(builtIn(o.n_params))),
    escapeHtml(formatNumber(o.best_loss, 5)), escapeHtml(o.position.replace("_", " ")),
  ]);
  const share = calibration.sweep_flops > 0 ? ` (${formatNumber((100 * calibration.flops) / calibration.sweep_flops, 2)}% of the sweep's planned ${formatSci(calibration.sweep_flops)})` : "";
  const warnings = calibration.warnings.length ? `<ul class="warnings">${calibration.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>` : "";
  return `<section id="lr-calibration"><h2>Learning-rate calibration</h2>
<p>Before the sweep, ${calibration.runs.length} runs at C = ${escapeHtml(formatBudget(calibration.budget_flops))} (${calibration.settings.lrs} learning rates × ${calibration.optima.length} sizes, ratio ${formatNumber(calibration.settings.lr_step, 3)}, grids grown past an end up to ${calibration.settings.extend_rounds} times):
${escapeHtml(formatSci(calibration.flops))} FLOPs${escapeHtml(share)}, ${escapeHtml(formatNumber(calibration.wall_s, 3))} s (calibrated ${escapeHtml(calibration.calibrated_at)}; <code>calibration.json</code>, runs in <code>calibration.jsonl</code>).
Every sweep run's peak learning rate is the calibrated rule's at its N.</p>
${htmlTable(["rule", "", "RMS of ln(best / rule)"], rules, { numeric: [2] })}
${htmlTable(["size", "N", "best lr", "calibrated rule", "built-in rule", "best loss", "best at"], sizes, { numeric: [1, 2, 3, 4, 5] })}
${warnings}</section>`;
}

/** The learning-rate calibration stage as `plan` shows it: its runs and their share of the compute. */
import type { CalibrationPlan } from "../planning/lr-calibration.js";
import { renderTable, sci } from "../util/table.js";

export function formatCalibrationPlan(calibration: CalibrationPlan, sweepFlops: number): string {
  const rows = calibration.sizes.map((s) => [String(s.planned.size_value), sci(s.planned.n_params_total), sci(s.planned.n_tokens), s.lrs.map((lr) => lr.toExponential(1)).join(" ")]);
  const share = (flops: number) => `${(100 * flops / Math.max(1, sweepFlops)).toFixed(1)}%`;
  return (
    `Learning-rate calibration (training.lr: calibrate), before the sweep: ${calibration.runs} runs at C=${sci(calibration.budget_flops)}, ` +
    `${sci(calibration.flops)} FLOPs = ${share(calibration.flops)} of the sweep's ${sci(sweepFlops)} ` +
    `(at most ${sci(calibration.flops_max)} = ${share(calibration.flops_max)} if every size's grid must grow); ` +
    `the sweep's learning rates in the plan above are the built-in rule's until the calibration has run; its time is about its share of the compute (docs/training.md)\n` +
    renderTable(["size", "N", "D", "learning rates"], rows)
  );
}

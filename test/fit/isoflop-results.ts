/** results.jsonl lines of completed runs on Chinchilla's surface: 3 sizes (0.4, 1, 2.5 × √(C/120)) per budget. */
export function isoflopResultLines(budgets: number[] = [1e18, 1e19, 1e20]): string {
  const lines: string[] = [];
  for (const budget of budgets) {
    for (const factor of [0.4, 1, 2.5]) {
      const n = Math.sqrt(budget / 120) * factor;
      const d = budget / (6 * n);
      lines.push(JSON.stringify({
        experiment_id: `b${budget}f${factor}`, attempt: 1, status: "completed", budget_flops: budget, size_value: 8, n_params: n, n_params_embedding: 0,
        n_params_non_embedding: n, n_tokens: d, n_tokens_planned: d, flops_6nd: 6 * n * d, flops_measured: null,
        loss: 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28, train_loss: 2, wall_s: 1, error: null, finished_at: "2026-01-01T00:00:00Z",
      }));
    }
  }
  return lines.join("\n") + "\n";
}

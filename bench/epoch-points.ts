/**
 * Epoch's digitised Chinchilla runs as fit points, for the benchmark: N = Model Size,
 * C = Training FLOP, D = C/(6N), each run its own budget. Takes the CSV text so the
 * engine itself stays free of I/O.
 */
import type { FitPoint } from "../src/fitting/index.js";

export function prepareEpoch(csv: string): FitPoint[] {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const columns = (header ?? "").split(",");
  const column = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`Epoch CSV: no column "${name}" in header ${header}`);
    return index;
  };
  const [nIndex, cIndex, lossIndex] = [column("Model Size"), column("Training FLOP"), column("loss")];
  return lines.map((line) => {
    const cells = line.split(",");
    const nParams = Number(cells[nIndex]);
    const flops = Number(cells[cIndex]);
    return { n_params: nParams, n_tokens: flops / (6 * nParams), loss: Number(cells[lossIndex]), budget_flops: flops };
  });
}

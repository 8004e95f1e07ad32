/**
 * Reads the public reference data in place from ../shared/data/reference (relative to the
 * project root; see that folder's README). Nothing is copied into the project: several of
 * the files carry no licence. Tests that use it skip when the folder is absent.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FitPoint } from "../../../src/fitting/index.js";

export const PUBLIC_DATA_DIR = fileURLToPath(new URL("../../../../shared/data/reference/", import.meta.url));
export const hasReferenceData = existsSync(`${PUBLIC_DATA_DIR}epoch_svg_extracted_data.csv`);

/** Rows of a headed CSV (no quoted fields in these files) as string records. */
export function readCsv(relativePath: string): Array<Record<string, string>> {
  const [header, ...lines] = readFileSync(PUBLIC_DATA_DIR + relativePath, "utf8").trim().split(/\r?\n/);
  const columns = (header ?? "").split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i] ?? `column${i}`, value])));
}

/** Epoch's digitised Chinchilla runs: N = Model Size, C = Training FLOP, D = C/(6N); each run its own budget. */
export function epochPoints(): FitPoint[] {
  return readCsv("epoch_svg_extracted_data.csv").map((row) => {
    const nParams = Number(row["Model Size"]);
    const flops = Number(row["Training FLOP"]);
    return { n_params: nParams, n_tokens: flops / (6 * nParams), loss: Number(row.loss), budget_flops: flops };
  });
}

/** An Open-Athena IsoFLOP file (columns params, tokens, budget, loss), optionally one loss condition. */
export function openAthenaPoints(file: string, condition?: string): FitPoint[] {
  return readCsv(`open-athena/${file}`)
    .filter((row) => condition === undefined || row.condition === condition)
    .map((row) => ({ n_params: Number(row.params), n_tokens: Number(row.tokens), loss: Number(row.loss), budget_flops: Number(row.budget) }));
}

/** Porian et al. 2024's IsoFLOP runs (RefinedWeb, tuned, validation loss). */
export function porianPoints(): FitPoint[] {
  return readCsv("porian_rw_tuned_const_val_isoflop_points.csv").map((row) => ({
    n_params: Number(row.params),
    n_tokens: Number(row.tokens),
    loss: Number(row.loss),
    budget_flops: Number(row.budget),
  }));
}

/** Porian et al. 2024's 12 compute-optimal pairs: C (flops), N* (n), D* (t), L* (loss). */
export function porianOptimalPairs(): Array<{ flops: number; n: number; t: number; loss: number }> {
  return readCsv("porian_rw_tuned_const_val_optimal_pairs.csv").map((row) => ({ flops: Number(row.flops), n: Number(row.n), t: Number(row.t), loss: Number(row.loss) }));
}

/**
 * The measured training cost of a sweep (`cost` in `sweep --json` and fit.json): the FLOPs
 * its attempts trained, and what a cosine sweep of the same completed points would have
 * trained (each point's own FLOPs, once). Under cosine the two agree up to retries; under
 * WSD (docs/training.md, "WSD") the spent side is the trunks plus the cooldowns.
 *
 * An attempt trained its run's FLOPs less the steps it resumed from (`train_flops` on WSD
 * records; a cosine record that resumed its own checkpoint is counted the same way). An
 * attempt that produced no result (a lost worker) has no measurement and adds nothing.
 */
import type { SweepCost } from "../planning/wsd.js";
import type { ResultRecord } from "./record.js";
import type { RunDir } from "./run-dir.js";

export type { SweepCost } from "../planning/wsd.js";

/**
 * FLOPs an attempt trained itself: its run's FLOPs less the steps it resumed from (a trunk's,
 * or its own checkpoint's); null when the attempt measured none (a lost worker).
 */
export function trainedFlops(record: ResultRecord): number | null {
  const flops = record.flops_measured ?? record.flops_6nd;
  if (flops === null || flops === undefined) return null;
  const steps = record.steps ?? null;
  return steps ? (flops * (steps - (record.resumed_from_step ?? 0))) / steps : flops;
}

/** What an attempt adds to the spent side: its recorded `train_flops` (WSD records), else trainedFlops, else 0. */
export function attemptTrainFlops(record: ResultRecord): number {
  return record.train_flops ?? trainedFlops(record) ?? 0;
}

/**
 * The cost of the points in `records` (results.jsonl) and the trunk attempts in `trunks`
 * (trunks.jsonl), counting only records `belongs` accepts (e.g. this sweep definition's).
 */
export function measuredCost(records: readonly ResultRecord[], trunks: readonly ResultRecord[], belongs: (record: ResultRecord) => boolean = () => true): SweepCost {
  let train = 0;
  const pointFlops = new Map<string, number>();
  for (const record of [...records, ...trunks]) {
    if (!belongs(record)) continue;
    train += attemptTrainFlops(record);
  }
  for (const record of records) {
    if (!belongs(record) || record.status !== "completed") continue;
    const flops = record.flops_measured ?? record.flops_6nd;
    if (typeof flops === "number") pointFlops.set(record.experiment_id, flops);
  }
  const cosine = [...pointFlops.values()].reduce((sum, flops) => sum + flops, 0);
  return { train_flops: train, cosine_equivalent_flops: cosine };
}

/** The measured cost of a run directory's runs of one sweep definition (null: every record). */
export function runDirCost(runDir: RunDir, definition: string | null): SweepCost {
  const belongs = (record: ResultRecord) => definition === null || record.fingerprint === definition;
  return measuredCost(runDir.records("results"), runDir.records("trunks"), belongs);
}

/**
 * A WSD branch (docs/training.md, "WSD") in the run directory: the fields its record adds
 * (its trunk, where it branched, the FLOPs this attempt trained) and whether the trunk's
 * checkpoint it starts from is on disk.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { trainedFlops } from "../store/run-cost.js";
import type { ResultRecord } from "../store/record.js";
import type { Experiment } from "./experiments.js";

/** The record with its branch part (the record unchanged for a run that is not a branch). */
export function branchRecord(experiment: Experiment, record: ResultRecord): ResultRecord {
  const wsd = experiment.wsd;
  if (!wsd) return record;
  return { ...record, schedule: "wsd", trunk_id: wsd.trunk_id, branch_step: wsd.branch_step, branch_tokens: wsd.branch_tokens, train_flops: trainedFlops(record) };
}

/** Whether the trunk's checkpoint at `step` is on disk (the worker checks whose it is). */
export function branchPointSaved(trunkDir: string, step: number): boolean {
  return existsSync(join(trunkDir, `branch-${step}`, "checkpoint", "run.json"));
}

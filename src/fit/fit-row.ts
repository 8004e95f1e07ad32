/** One run as every reader of results hands it to the fit (fit-input.ts chooses the reader). */
import type { ResultRecord } from "../store/record.js";

/** One run as the fit sees it, whatever file it came from. */
export interface FitRow {
  experiment_id?: string;
  status: ResultRecord["status"];
  n_params: number;
  n_params_non_embedding: number | null;
  n_tokens: number;
  loss: number | null;
  /** The IsoFLOP budget the run belongs to: a label that groups runs, never its FLOPs. */
  budget_flops: number;
  /** The run's measured training FLOPs; null when not measured (compute is then 6·N·D). */
  flops?: number | null;
  /** The recorded error of a run that did not complete (run directories and results.jsonl only). */
  error?: string | null;
  /** Passes over the training data (run directories and results.jsonl, when the data said its size). */
  epochs?: number | null;
  /** Why the run is not fitted although it may have completed (another sweep definition). */
  left_out?: string;
}

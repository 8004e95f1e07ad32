/**
 * Which recorded attempts count (pure). Of a run directory's records only those of its
 * current sweep definition are fitted and drawn; the others are counted and named. Per
 * experiment the latest completed attempt wins (a `--no-resume` re-run supersedes the
 * older result), else its latest attempt; completed attempts of one experiment whose
 * results differ are reported, never settled silently.
 */
import type { ResultRecord } from "./record.js";

/** The fingerprint of records written before records carried one. */
export const UNMARKED = "unmarked";

/** Losses closer than this (relative) are the same result. */
const SAME_LOSS = 1e-9;

/** Per experiment, its final record: the latest completed attempt if any, else the latest attempt (journal order). */
export function latestPerExperiment(records: readonly ResultRecord[]): ResultRecord[] {
  const byId = new Map<string, ResultRecord>();
  for (const record of records) {
    const current = byId.get(record.experiment_id);
    if (!current || record.status === "completed" || current.status !== "completed") byId.set(record.experiment_id, record);
  }
  return [...byId.values()];
}

export interface Rerun {
  experiment_id: string;
  /** The completed attempts, oldest first, with their held-out losses. */
  attempts: Array<{ attempt: number; loss: number | null; n_params: number | null; n_tokens: number | null }>;
  /** Whether their results differ (loss beyond 1e-9 relative, or N or D). */
  disagree: boolean;
}

/** Experiments with more than one completed record. */
export function reruns(records: readonly ResultRecord[]): Rerun[] {
  const completed = new Map<string, ResultRecord[]>();
  for (const r of records) if (r.status === "completed") completed.set(r.experiment_id, [...(completed.get(r.experiment_id) ?? []), r]);
  const out: Rerun[] = [];
  for (const [id, list] of completed) {
    if (list.length < 2) continue;
    const first = list[0]!;
    const differs = (r: ResultRecord) =>
      r.n_params !== first.n_params || r.n_tokens !== first.n_tokens ||
      (r.loss === null) !== (first.loss === null) || (r.loss !== null && first.loss !== null && Math.abs(r.loss - first.loss) > SAME_LOSS * Math.abs(first.loss));
    out.push({ experiment_id: id, attempts: list.map((r) => ({ attempt: r.attempt, loss: r.loss, n_params: r.n_params, n_tokens: r.n_tokens })), disagree: list.some(differs) });
  }
  return out;
}

export interface OtherDefinition {
  fingerprint: string;
  records: number;
  /** Final record per experiment of that definition. */
  final: ResultRecord[];
}

export interface RecordSelection {
  /** The current definition's fingerprint (null: the records name none). */
  current: string | null;
  /** The current definition's records, every attempt, in journal order. */
  records: ResultRecord[];
  /** Its final record per experiment. */
  final: ResultRecord[];
  others: OtherDefinition[];
  reruns: Rerun[];
  /** What a reader must be told: other definitions left out, re-runs, disagreements. */
  notes: string[];
}

export interface SelectOptions {
  /** The definition to keep; default: that of the last record. */
  current?: string | null;
  /** A record's fingerprint (records without one belong to the directory's unmarked definition). */
  fingerprintOf?: (record: ResultRecord) => string;
  /** A few words on how a definition differs from the current one ("differs in mock, training"). */
  describe?: (fingerprint: string) => string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const lossText = (loss: number | null) => (loss === null ? "none" : loss.toPrecision(6));

export function selectRecords(all: readonly ResultRecord[], options: SelectOptions = {}): RecordSelection {
  const fingerprintOf = options.fingerprintOf ?? ((r: ResultRecord) => r.fingerprint ?? UNMARKED);
  const current = options.current !== undefined ? options.current : all.length > 0 ? fingerprintOf(all[all.length - 1]!) : null;
  const mine: ResultRecord[] = [];
  const otherRecords = new Map<string, ResultRecord[]>();
  for (const record of all) {
    const fingerprint = fingerprintOf(record);
    if (current === null || fingerprint === current) mine.push(record);
    else otherRecords.set(fingerprint, [...(otherRecords.get(fingerprint) ?? []), record]);
  }
  const others = [...otherRecords].map(([fingerprint, records]) => ({ fingerprint, records: records.length, final: latestPerExperiment(records) }));
  const repeated = reruns(mine);
  const notes: string[] = [];
  for (const other of others) {
    const how = options.describe?.(other.fingerprint);
    notes.push(
      `${plural(other.final.length, "experiment")} of another sweep definition in this directory left out ` +
        `(fingerprint ${other.fingerprint}${how ? `: ${how}` : ""}); fitted: the current definition${current ? ` (${current})` : ""} only`,
    );
  }
  const disagreeing = repeated.filter((r) => r.disagree);
  if (repeated.length > disagreeing.length) {
    notes.push(`${plural(repeated.length - disagreeing.length, "experiment")} re-run with the same result; the latest attempt of each is used`);
  }
  for (const r of disagreeing.slice(0, 5)) {
    const latest = r.attempts[r.attempts.length - 1]!;
    const seen = r.attempts.map((a) => `attempt ${a.attempt}: loss ${lossText(a.loss)}`).join(", ");
    notes.push(`experiment ${r.experiment_id} has ${r.attempts.length} completed records that disagree (${seen}); the latest, attempt ${latest.attempt}, is used`);
  }
  if (disagreeing.length > 5) notes.push(`… and ${plural(disagreeing.length - 5, "more experiment")} whose completed records disagree`);
  return { current, records: mine, final: latestPerExperiment(mine), others, reruns: repeated, notes };
}

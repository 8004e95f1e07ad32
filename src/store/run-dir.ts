/**
 * A run directory: config.json (the resolved config), plan.json, results.jsonl
 * (append-only), fit.json, logs/ (worker output) and report/.
 */
import { join, resolve } from "node:path";
import { runNameProblem } from "../config/schema.js";
import { UserError } from "../errors/user-error.js";
import { writeFileAtomic } from "./atomic-write.js";
import { claimRunDir } from "./claim-run-dir.js";

export class RunDir {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  get config(): string { return join(this.root, "config.json"); }
  get plan(): string { return join(this.root, "plan.json"); }
  get results(): string { return join(this.root, "results.jsonl"); }
  /** Attempts of WSD trunks (sweep/run-trunks.ts): not points, so kept out of results.jsonl. */
  get trunks(): string { return join(this.root, "trunks.jsonl"); }
  get fit(): string { return join(this.root, "fit.json"); }
  get environment(): string { return join(this.root, "environment.json"); }
  get logs(): string { return join(this.root, "logs"); }
  get report(): string { return join(this.root, "report"); }
  get checkpoints(): string { return join(this.root, "checkpoints"); }
  /** The full error text of a failed attempt (the console and --json show its last line). */
  errorLog(experimentId: string, attempt: number): string { return join(this.logs, "errors", `${experimentId}-${attempt}.txt`); }
  get probeCache(): string { return join(this.root, "probe.json"); }

  /**
   * Creates the folder tree (with the user's umask), after checking that the directory is
   * empty or a run directory of flops-fit's (claim-run-dir.ts): anything else is refused untouched.
   */
  create(): void {
    claimRunDir(this.root, this.logs);
  }

  /** Writes JSON atomically (temp file + rename): a crash never leaves half a file, a full disk no temp file. */
  writeJson(file: string, value: unknown): void {
    writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
  }
}

/**
 * Default run directory for a config name: runs/<name>, and runs/<name>-mock under --mock
 * (mock and real runs of one config are different sweeps and never share a directory).
 */
export function defaultRunDir(name: string, mock = false): string {
  const problem = runNameProblem(name);
  if (problem) throw new UserError(`cannot name a run directory after ${JSON.stringify(name)}: ${problem}; set name: in the config or pass --out DIR`, "bad_run_name", { field: "name" });
  return join("runs", mock ? `${name}-mock` : name);
}

/**
 * The run directory a sweep writes: `--out DIR`, else the default. An empty `--out` (an
 * unset shell variable) is an error, never the current directory.
 */
export function chooseRunDir(out: string | undefined, name: string, mock: boolean): string {
  if (out === undefined) return defaultRunDir(name, mock);
  if (out.trim() === "") {
    throw new UserError(`--out is empty (an unset shell variable?): name the run directory, e.g. --out ${defaultRunDir(name, mock)}, or leave --out out for that default`, "bad_out_dir", { field: "--out" });
  }
  return out;
}

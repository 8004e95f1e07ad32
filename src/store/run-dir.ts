/**
 * A run directory: config.json (the resolved config), plan.json, results.jsonl
 * (append-only), fit.json, logs/ (worker output) and report/.
 */
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../errors/user-error.js";

export class RunDir {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  get config(): string { return join(this.root, "config.json"); }
  get plan(): string { return join(this.root, "plan.json"); }
  get results(): string { return join(this.root, "results.jsonl"); }
  get fit(): string { return join(this.root, "fit.json"); }
  get environment(): string { return join(this.root, "environment.json"); }
  get logs(): string { return join(this.root, "logs"); }
  get report(): string { return join(this.root, "report"); }
  get checkpoints(): string { return join(this.root, "checkpoints"); }
  /** The full error text of a failed attempt (the console and --json show its last line). */
  errorLog(experimentId: string, attempt: number): string { return join(this.logs, "errors", `${experimentId}-${attempt}.txt`); }

  /** Creates the folder tree (with the user's umask). */
  create(): void {
    if (existsSync(this.root) && !statSync(this.root).isDirectory()) {
      throw new UserError(`--out ${this.root} exists and is not a directory`, "bad_out_dir", { file: this.root });
    }
    mkdirSync(this.logs, { recursive: true });
  }

  /** Writes JSON atomically (temp file + rename): a crash never leaves half a file. */
  writeJson(file: string, value: unknown): void {
    const temp = `${file}.tmp-${process.pid}`;
    writeFileSync(temp, JSON.stringify(value, null, 2) + "\n");
    renameSync(temp, file);
  }
}

/** Default run directory for a config name: runs/<name>. */
export function defaultRunDir(name: string): string {
  return join("runs", name);
}

/**
 * A run directory, one typed store: every file in it is an entry of run-dir-entries.ts (JSON
 * with a zod schema, read and written through `read`/`write`) or a journal (results.jsonl,
 * trunks.jsonl, calibration.jsonl: journal.ts), plus logs/ (worker output, full error texts),
 * checkpoints/ and report/.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runNameProblem } from "../config/schema.js";
import { UserError } from "../errors/user-error.js";
import { oneLine } from "../util/error-line.js";
import { writeFileAtomic } from "./atomic-write.js";
import { claimRunDir } from "./claim-run-dir.js";
import { Journal, readJournal } from "./journal.js";
import type { ResultRecord } from "./record.js";
import { RUN_DIR_ENTRIES, RUN_DIR_JOURNALS, type EntryInput, type EntryName, type EntryValue, type JournalName } from "./run-dir-entries.js";

export class RunDir {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  /** The path of a JSON entry. */
  file(name: EntryName): string {
    return join(this.root, RUN_DIR_ENTRIES[name].file);
  }
  /** The path of a journal. */
  journalFile(name: JournalName): string {
    return join(this.root, RUN_DIR_JOURNALS[name]);
  }
  get config(): string { return this.file("config"); }
  get plan(): string { return this.file("plan"); }
  get results(): string { return this.journalFile("results"); }
  get trunks(): string { return this.journalFile("trunks"); }
  get fit(): string { return this.file("fit"); }
  get logs(): string { return join(this.root, "logs"); }
  get report(): string { return join(this.root, "report"); }
  get checkpoints(): string { return join(this.root, "checkpoints"); }
  /** The full error text of a failed attempt (the console and --json show its last line). */
  errorLog(experimentId: string, attempt: number): string { return join(this.logs, "errors", `${experimentId}-${attempt}.txt`); }

  /**
   * Creates the folder tree (with the user's umask), after checking that the directory is
   * empty or a run directory of flops-fit's (claim-run-dir.ts): anything else is refused untouched.
   */
  create(): void {
    claimRunDir(this.root, this.logs);
  }

  /**
   * An entry as its schema reads it, or null when the file is absent. A file that is not JSON,
   * or not what its schema says, is a UserError naming the file (and the field).
   */
  read<K extends EntryName>(name: K): EntryValue<K> | null {
    const found = this.inspect(name);
    if (found && "problem" in found) throw new UserError(found.problem, "corrupt_run_dir", { file: this.file(name) });
    return found?.value ?? null;
  }

  /**
   * Like read, but a file its schema refuses comes back as the problem (e.g. a fit.json of
   * another version, which is fitted again); a file that is not JSON is still a UserError.
   */
  inspect<K extends EntryName>(name: K): { value: EntryValue<K> } | { problem: string } | null {
    const { schema, what, remedy } = RUN_DIR_ENTRIES[name];
    const file = this.file(name);
    if (!existsSync(file)) return null;
    const then = remedy ? `; ${remedy}` : "";
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new UserError(`${file}: not valid JSON (${oneLine((error as Error).message)})${then}`, "corrupt_run_dir", { file });
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return { value: parsed.data as EntryValue<K> };
    const issue = parsed.error.issues[0]!;
    return { problem: `${file}: not ${what} (${issue.path.join(".") || "top level"}: ${issue.message})${then}` };
  }

  /** Writes an entry atomically (temp file + rename): a crash never leaves half a file, a full disk no temp file. */
  write<K extends EntryName>(name: K, value: EntryInput<K>): void {
    const compact = "compact" in RUN_DIR_ENTRIES[name] && RUN_DIR_ENTRIES[name].compact;
    writeFileAtomic(this.file(name), compact ? JSON.stringify(value) + "\n" : JSON.stringify(value, null, 2) + "\n");
  }

  /** Every record of a journal (none when it does not exist yet). */
  records(name: JournalName): ResultRecord[] {
    return readJournal(this.journalFile(name)).records;
  }

  /** Opens a journal for appending (journal.ts). */
  journal(name: JournalName): Journal {
    return new Journal(this.journalFile(name));
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

/**
 * One sweep at a time per run directory: RUN_DIR/sweep.lock, created exclusively (O_EXCL)
 * and holding the holder's pid, host and start time. A second sweep is refused with who
 * holds the directory; a lock whose holder is gone (same host, pid no longer running:
 * the orchestrator was killed) is stale and taken over. `fit` and `report` only read and
 * never take the lock.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { UserError } from "../errors/user-error.js";
import { WriteFailure } from "./write-failure.js";

export const LOCK_FILE = "sweep.lock";

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  command: string;
}

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(file: string): { text: string; holder: LockHolder | null } | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null; // gone meanwhile
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    const valid = typeof value.pid === "number" && typeof value.host === "string";
    return { text, holder: valid ? (value as LockHolder) : null };
  } catch {
    return { text, holder: null };
  }
}

const describe = (holder: LockHolder) => `pid ${holder.pid} on ${holder.host}, since ${holder.started_at}${holder.command ? ` (${holder.command})` : ""}`;

export class RunLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(readonly file: string, private readonly text: string) {
    process.on("exit", this.onExit);
  }

  /**
   * Takes the run directory's lock or throws a UserError (exit 2) naming its holder.
   * `onNote` hears about a stale lock taken over.
   */
  static acquire(root: string, onNote?: (text: string) => void): RunLock {
    const file = join(root, LOCK_FILE);
    const text = JSON.stringify({ pid: process.pid, host: hostname(), started_at: new Date().toISOString(), command: process.argv.slice(2).join(" ") } satisfies LockHolder) + "\n";
    for (let attempt = 0; attempt < 5; attempt++) {
      let fd: number;
      try {
        fd = openSync(file, "wx");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new WriteFailure(file, error);
        const seen = readHolder(file);
        if (!seen) continue; // released between our open and our read: try again
        if (!seen.holder) {
          // Being written by a sweep that has just created it, or garbage: look again shortly.
          if (attempt < 4) {
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
            continue;
          }
          throw new UserError(`${root} is locked by ${file}, which names no holder; if no sweep is running there, delete that file`, "run_dir_locked", { file });
        }
        const { holder } = seen;
        if (holder.host === hostname() && !processAlive(holder.pid)) {
          // Stale: its sweep was killed. Remove it only if it is still the same lock.
          if (readHolder(file)?.text === seen.text) rmSync(file, { force: true });
          onNote?.(`took over a stale lock of ${root} (${describe(holder)}: that process is gone)`);
          continue;
        }
        throw new UserError(
          `${root} is in use by another sweep (${describe(holder)}); wait for it to finish or give this sweep its own --out ` +
            `(if that sweep is no longer running, delete ${file})`,
          "run_dir_locked", { file },
        );
      }
      try {
        writeSync(fd, text);
      } catch (error) {
        closeSync(fd);
        rmSync(file, { force: true });
        throw new WriteFailure(file, error);
      }
      closeSync(fd);
      return new RunLock(file, text);
    }
    throw new UserError(`could not take the lock ${file}: it keeps changing hands; is another sweep starting there?`, "run_dir_locked", { file });
  }

  /** Removes the lock file if it is still ours. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off("exit", this.onExit);
    if (readHolder(this.file)?.text === this.text) rmSync(this.file, { force: true });
  }
}

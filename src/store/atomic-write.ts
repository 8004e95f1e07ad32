/**
 * Whole-file writes in the run directory: a temp file beside the target, then a rename, so
 * a reader or a crash never sees half a file. A failed write (disk full) removes its temp
 * file and throws a WriteFailure naming the target.
 */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { WriteFailure } from "./write-failure.js";

export function writeFileAtomic(file: string, content: string | Buffer): void {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, content);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new WriteFailure(file, error);
  }
}

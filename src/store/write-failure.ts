/**
 * A failed write to the run directory (disk full, quota, read-only, I/O error) as a
 * RuntimeFailure that names the file and the reason, instead of a bare errno message.
 */
import { RuntimeFailure } from "../errors/user-error.js";

const REASONS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EIO: "input/output error",
  EFBIG: "file too large",
};

/** "no space left on device (ENOSPC)", or the error's own message for other errors. */
export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

export class WriteFailure extends RuntimeFailure {
  /** The errno code (ENOSPC, EDQUOT, …), when the error had one. */
  readonly errno: string | undefined;

  constructor(readonly file: string, error: unknown, consequence = "") {
    super(`cannot write ${file}: ${describeWriteError(error)}${consequence ? `; ${consequence}` : ""}`, "write_failed");
    this.name = "WriteFailure";
    this.errno = (error as NodeJS.ErrnoException | undefined)?.code;
  }
}

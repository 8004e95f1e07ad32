/**
 * Errors caused by bad input (config, plugin, data file, CLI arguments). Commands turn
 * them into exit code 2 with the message, never a stack trace; `--json` prints
 * `{ error: { code, message, where } }`.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted field path inside the file, e.g. `planning.budgets[2]`. */
  field?: string;
  experiment_id?: string;
}

export class UserError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly code: string,
    readonly where: ErrorLocation = {},
    readonly suggestions: string[] = [],
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** `file:line:column` (or the parts that are known). */
export function formatLocation(where: ErrorLocation): string {
  if (!where.file) return "";
  let text = where.file;
  if (where.line !== undefined) text += `:${where.line}`;
  if (where.line !== undefined && where.column !== undefined) text += `:${where.column}`;
  return text;
}

/** A runtime failure that is not the user's input (worker crash, protocol mismatch): exit 1. */
export class RuntimeFailure extends Error {
  readonly exitCode = 1;
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "RuntimeFailure";
  }
}

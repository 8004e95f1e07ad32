/**
 * Turns zod issues into located, human messages: the field path, the YAML line:column
 * it came from, the bad value, and "did you mean" for misspelled keys.
 */
import type { z } from "zod";
import { closest } from "../util/suggest.js";

export interface LocatedIssue {
  /** Dotted path such as `planning.budgets[1]`. */
  field: string;
  message: string;
  line?: number;
  column?: number;
  suggestion?: string;
}

export type PathSegment = PropertyKey;
export type Locate = (path: readonly PathSegment[]) => { line: number; column: number } | undefined;

export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text || "(top level)";
}

/** The most specific issue inside a union: prefer a branch that got past the type check. */
function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((branch) => branch.length > 0);
  const specific = branches.find((branch) => branch.every((inner) => inner.code !== "invalid_type" && inner.code !== "invalid_value"));
  if (!specific) {
    // Every branch rejected the type: say what would have been accepted.
    const expected = branches.map((branch) => describeExpected(branch[0])).filter((text): text is string => !!text);
    if (expected.length > 0) return { ...issue, message: `expected ${[...new Set(expected)].join(" or ")}` };
  }
  const chosen = (specific ?? branches[0])?.[0];
  if (!chosen) return issue;
  return unwrapUnion({ ...chosen, path: [...issue.path, ...chosen.path] } as z.core.$ZodIssue);
}

function describeExpected(issue: z.core.$ZodIssue | undefined): string | undefined {
  if (!issue) return undefined;
  if (issue.code === "invalid_type") return `a ${issue.expected}`;
  if (issue.code === "invalid_value") return issue.values.map((v) => JSON.stringify(v)).join(" or ");
  return undefined;
}

/** A bad value as the user wrote it: JSON has no Infinity or NaN (YAML's .inf, 1e400, .nan), which JSON.stringify turns into null. */
function showValue(value: unknown): string {
  return typeof value === "number" && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
}

/** zod's "expected number, received Infinity" for a YAML .inf, 1e400 or .nan, said plainly. */
function plainMessage(message: string, value: unknown): string {
  return typeof value === "number" && !Number.isFinite(value) ? "must be a finite number" : message;
}

/** Keys whose values are credentials: named in errors, never shown. */
const SECRET_KEY = /(^|_)(api_key|key|token|secret|password)$/i;

/** Keys allowed at `path` in the schema, for "did you mean". */
export type KnownKeys = (path: readonly PathSegment[]) => string[];

export function locateIssues(
  issues: readonly z.core.$ZodIssue[],
  locate: Locate,
  knownKeys: KnownKeys,
  valueAt: (path: readonly PathSegment[]) => unknown = () => undefined,
): LocatedIssue[] {
  const located: LocatedIssue[] = [];
  for (const raw of issues) {
    const issue = unwrapUnion(raw);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const suggestion = closest(key, knownKeys(issue.path));
        located.push({
          field: formatPath(path),
          message: `unknown key "${key}"` + (suggestion ? ` (did you mean "${suggestion}"?)` : ""),
          suggestion,
          ...locate(path),
        });
      }
      continue;
    }
    const value = valueAt(issue.path);
    // A credential put where it does not belong is never echoed back (consoles end up in logs).
    const secret = SECRET_KEY.test(String(issue.path.at(-1) ?? ""));
    const shown = value === undefined || typeof value === "object" || secret ? "" : ` (got ${showValue(value)})`;
    located.push({ field: formatPath(issue.path), message: plainMessage(issue.message, value) + shown, ...locate(issue.path) });
  }
  return located.sort((x, y) => (x.line ?? Infinity) - (y.line ?? Infinity));
}

/**
 * JSON has no NaN or Infinity (JSON.stringify turns them into null silently, and a
 * consumer then sees a number field that is null). The engine makes that explicit: every
 * non-finite number in a result becomes null before it is returned.
 */
export function toJsonSafe<T>(value: T): T {
  return replaceNonFinite(value) as T;
}

function replaceNonFinite(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(replaceNonFinite);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = replaceNonFinite(item);
    return out;
  }
  return value;
}

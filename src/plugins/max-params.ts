/** `--max-params 5e7` → 5e7; absent → undefined (the default applies). */
import { UserError } from "../errors/user-error.js";

export function parseMaxParams(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UserError(`invalid --max-params "${text}": expected a positive number such as 5e7`, "bad_max_params", { field: "max-params" });
  return value;
}

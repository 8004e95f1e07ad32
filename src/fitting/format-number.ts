/**
 * Compact number formatting shared by warnings, the summary and the tables.
 */

/** 1e20 → "1e20", 5.76e23 → "5.76e23", 3e-5 → "3e-5": for budgets and counts. */
export function formatScientific(value: number, digits = 3): string {
  if (value === null || !Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const [mantissa, exponent] = value.toExponential(digits - 1).split("e") as [string, string];
  const trimmed = mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
  return `${trimmed}e${exponent.replace("+", "")}`;
}

/** Fixed significant digits without trailing noise: 0.49198 → "0.4920" (digits = 4). */
export function formatSignificant(value: number | null, digits = 4): string {
  if (value === null || !Number.isFinite(value)) return "n/a";
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)) return formatScientific(value, digits);
  return value.toPrecision(digits);
}

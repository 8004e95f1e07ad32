/**
 * Strict decimal numbers for text people type (CSV cells, --predict): digits with an
 * optional sign, point and exponent, such as `3`, `-2.5`, `.5`, `1e21`, `5.76E+23`.
 * `Number()` alone also reads `0x10` as 16, `0b11` as 3, `Infinity` and `""` as 0.
 */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The number a decimal text denotes, or NaN when it is not one. */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
}

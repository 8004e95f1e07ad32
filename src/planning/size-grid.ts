/** Candidate size values for the probe: an explicit list, or a log-spaced range. */

export type SizeValuesSpec = number[] | { min: number; max: number; count: number; multiple_of: number };

/**
 * Log-spaced values from min to max, each rounded to a multiple of `multiple_of`,
 * deduplicated and sorted. An explicit list is sorted and deduplicated as given.
 */
export function candidateSizeValues(spec: SizeValuesSpec): number[] {
  if (Array.isArray(spec)) return [...new Set(spec)].sort((a, b) => a - b);
  const { min, max, count, multiple_of: step } = spec;
  const values = new Set<number>();
  for (let i = 0; i < count; i++) {
    const raw = min * Math.pow(max / min, count === 1 ? 0 : i / (count - 1));
    values.add(Math.max(step, Math.round(raw / step) * step));
  }
  return [...values].sort((a, b) => a - b);
}

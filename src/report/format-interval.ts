/** A value with its bootstrap interval as HTML: `0.452 [0.431, 0.474]`. Pure. */
import { escapeHtml, formatNumber } from "./html.js";
import type { Interval } from "../fitting/index.js";

export function valueWithInterval(value: number | undefined | null, interval?: Interval, digits = 4): string {
  const main = escapeHtml(formatNumber(value, digits));
  if (!interval) return main;
  return `${main} <span class="ci">[${escapeHtml(formatNumber(interval.lo, 3))}, ${escapeHtml(formatNumber(interval.hi, 3))}]</span>`;
}

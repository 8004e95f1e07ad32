/**
 * The Chinchilla table (after Hoffmann et al. 2022, Table 3) as HTML: the fitting's rows
 * (chinchillaTable) under its headings, each cell as the text renderings format it, and
 * its notes beneath. Pure.
 */
import { CHINCHILLA_HEADER, chinchillaCells, chinchillaTable, NO_CHINCHILLA_TABLE, type TabulatedFit } from "../fitting/index.js";
import { escapeHtml, htmlTable } from "./html.js";

export function chinchillaHtml(fit: TabulatedFit): string {
  const { rows, notes } = chinchillaTable(fit);
  if (rows.length === 0) return `<p class="meta">${escapeHtml(NO_CHINCHILLA_TABLE)}</p>`;
  const notesHtml = notes.length ? `<p class="meta">${escapeHtml(notes.join(" "))}</p>` : "";
  const header = [...CHINCHILLA_HEADER];
  return `<div class="scroll">${htmlTable(header, rows.map((r) => chinchillaCells(r).map(escapeHtml)), { numeric: header.map((_, i) => i) })}</div>${notesHtml}`;
}

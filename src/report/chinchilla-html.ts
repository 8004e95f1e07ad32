/**
 * The Chinchilla table (fitting's formatChinchillaTable, after Hoffmann et al. 2022,
 * Table 3) as HTML: its markdown form's cells, already formatted with their intervals,
 * and its notes beneath. Pure.
 */
import { formatChinchillaTable, type FitResult } from "../fitting/index.js";
import { escapeHtml, htmlTable } from "./html.js";

const cells = (line: string) => line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());

export function chinchillaHtml(fit: FitResult): string {
  let markdown: string;
  try {
    markdown = formatChinchillaTable(fit, "markdown");
  } catch (error) {
    return `<p class="meta">No Chinchilla table: ${escapeHtml((error as Error).message)}</p>`;
  }
  const lines = markdown.split(/\r?\n/);
  const table = lines.filter((l) => l.trim().startsWith("|"));
  const notes = lines.filter((l) => !l.trim().startsWith("|") && l.trim() !== "").map((l) => l.replace(/^_|_$/g, ""));
  const notesHtml = notes.length ? `<p class="meta">${escapeHtml(notes.join(" "))}</p>` : "";
  if (table.length < 3) return notesHtml || `<p class="meta">No Chinchilla table.</p>`;
  const [header, , ...rows] = table.map(cells);
  const numeric = header!.map((_, i) => i);
  return `<div class="scroll">${htmlTable(header!, rows.map((r) => r.map((c) => escapeHtml(c))), { numeric })}</div>${notesHtml}`;
}

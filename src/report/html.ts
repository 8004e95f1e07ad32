/** Tiny HTML helpers for the report (no template engine: the page is a few tables). Pure. */
import { REPORT_CSS } from "./report-css.js";

/**
 * A self-contained page: no script, no outside resource (the Content-Security-Policy allows only
 * inline styles and data: images), the report's stylesheet inline. `title` is plain text;
 * `body` is the HTML inside <main>.
 */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A table from a header and pre-escaped cells; `numeric` columns are right-aligned. */
export function htmlTable(header: string[], rows: string[][], options: { numeric?: number[]; className?: string } = {}): string {
  const numeric = new Set(options.numeric ?? []);
  const cell = (tag: "th" | "td", html: string, i: number) => `<${tag}${numeric.has(i) ? ' class="num"' : ""}>${html}</${tag}>`;
  const head = `<thead><tr>${header.map((h, i) => cell("th", escapeHtml(h), i)).join("")}</tr></thead>`;
  const body = `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("\n")}</tbody>`;
  return `<table${options.className ? ` class="${options.className}"` : ""}>${head}\n${body}</table>`;
}

/** A number with `digits` significant digits, scientific past 1e5; "–" when missing. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** Scientific notation with `digits` significant digits (1.23e+6); "–" when missing. */
export function formatSci(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toExponential(digits - 1);
}

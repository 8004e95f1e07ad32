/** The resolved config (config.json) and the environment, as the report shows them. Pure. */
import { escapeHtml, htmlTable } from "./html.js";

export function environmentHtml(environment: Record<string, unknown>): string {
  const rows = Object.entries(environment)
    .filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => [escapeHtml(k), escapeHtml(typeof v === "string" ? v : JSON.stringify(v))]);
  return htmlTable(["", "value"], rows);
}

export function configHtml(config: Record<string, unknown> | null): string {
  if (!config) return `<p class="meta">No config.json in the run directory.</p>`;
  return `<details open><summary>config.json</summary><pre>${escapeHtml(JSON.stringify(config, null, 2))}</pre></details>`;
}

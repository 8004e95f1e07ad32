/**
 * The report page: one self-contained HTML file (inline SVG and CSS; no scripts, fonts
 * or other requests). Pure: data and rendered figures in, HTML out.
 */
import { backtestHtml } from "./backtest-section.js";
import { chinchillaHtml } from "./chinchilla-html.js";
import { experimentRows, statusCounts } from "./experiment-rows.js";
import { experimentsHtml } from "./experiments-html.js";
import type { Figure } from "./figures.js";
import { escapeHtml, htmlPage } from "./html.js";
import type { ReportData } from "./report-data.js";
import { configHtml, environmentHtml } from "./settings-html.js";
import { summaryHtml } from "./summary-html.js";
import { lrCalibrationHtml } from "./lr-calibration-html.js";
import { noiseFloor, rmsPct } from "./noise-floor.js";
import { noiseFloorHtml } from "./noise-floor-html.js";
import { wsdHtml } from "./wsd-html.js";
import { adaptiveHtml } from "./adaptive-html.js";

export interface RenderedFigure {
  figure: Figure;
  svg: string;
}

export function figuresHtml(figures: RenderedFigure[]): string {
  if (figures.length === 0) return `<p class="meta">No figures yet: no run has completed.</p>`;
  const items = figures.map(({ figure, svg }) => `<figure id="fig-${escapeHtml(figure.name)}" data-figure="${escapeHtml(figure.name)}">
<h3>${escapeHtml(figure.title)}</h3>
${svg}
<figcaption>${escapeHtml(figure.caption)} <a href="${escapeHtml(figure.name)}.svg">SVG</a> · <a href="${escapeHtml(figure.name)}.png">PNG</a></figcaption>
</figure>`);
  return `<div class="figures">\n${items.join("\n")}\n</div>`;
}

function trainingOf(config: Record<string, unknown> | null): { lr_reference: number; lr_exponent: number } | null {
  const training = config?.training as { lr_reference?: unknown; lr_exponent?: unknown } | undefined;
  return typeof training?.lr_reference === "number" && typeof training.lr_exponent === "number" ? { lr_reference: training.lr_reference, lr_exponent: training.lr_exponent } : null;
}

export function reportHtml(data: ReportData, figures: RenderedFigure[]): string {
  const rows = experimentRows(data.records, data.planned);
  const counts = statusCounts(rows).map(([status, n]) => `${n} ${status}`).join(", ");
  const sections = [
    `<section id="summary"><h2>Summary</h2>${summaryHtml(data.fit ?? undefined, data.fitError, data.fitSource, data.planWarnings, data.fit ? chinchillaHtml(data.fit) : "")}</section>`,
    data.fit ? `<section id="backtest"><h2>Backtest</h2>${backtestHtml(data.fit.backtest, data.backtestNote)}</section>` : "",
    adaptiveHtml(data.adaptive),
    `<section id="figures"><h2>Figures</h2>${figuresHtml(figures)}</section>`,
    noiseFloorHtml(noiseFloor(data.records), rmsPct((data.fit?.approaches["3"]?.residuals ?? []).map((r) => (100 * (r.loss - r.predicted)) / r.predicted))),
    lrCalibrationHtml(data.calibration, trainingOf(data.config)),
    wsdHtml(data.records, data.trunks, data.cost),
    `<section id="experiments"><h2>Experiments</h2>${experimentsHtml(rows)}</section>`,
    `<section id="config"><h2>Resolved config</h2>${configHtml(data.config)}</section>`,
    `<section id="environment"><h2>Environment</h2>${environmentHtml(data.environment)}</section>`,
  ].filter(Boolean);
  return htmlPage(`flops-fit report: ${data.name}`, `<h1>flops-fit report: ${escapeHtml(data.name)}</h1>
<p class="meta">Run directory <code>${escapeHtml(data.runDir)}</code> · generated ${escapeHtml(data.generatedAt)} · ${rows.length} experiments${counts ? `: ${escapeHtml(counts)}` : ""}</p>
<nav><a href="#summary">Summary</a>${data.fit ? `<a href="#chinchilla">Chinchilla table</a><a href="#backtest">Backtest</a>` : ""}${data.adaptive ? `<a href="#adaptive">Adaptive</a>` : ""}<a href="#figures">Figures</a>${data.calibration ? `<a href="#lr-calibration">LR calibration</a>` : ""}<a href="#experiments">Experiments</a><a href="#config">Config</a><a href="#environment">Environment</a></nav>
${sections.join("\n")}`);
}

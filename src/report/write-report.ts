/**
 * `flops-fit report` and the end of `sweep`: reads the run directory, renders every figure
 * to report/<name>.svg and report/<name>.png, and writes report/index.html.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../store/atomic-write.js";
import { RunDir } from "../store/run-dir.js";
import { backtestFigure } from "./backtest-section.js";
import { adaptiveFigures, calibrationFigures, reportFigures } from "./figures.js";
import { loadReportData, type LoadOptions } from "./report-data.js";
import { reportHtml, type RenderedFigure } from "./report-html.js";
import { renderPng } from "./render-png.js";
import { renderSvg } from "./render-svg.js";

export interface ReportFiles {
  report_dir: string;
  /** Absolute paths of the files written: index.html first, then each figure's SVG and PNG. */
  files: string[];
  /** Why there is no fit, when there is none. */
  fit_error: string | null;
}

/** Writes atomically (temp file + rename): a browser never sees half a report. */
const write = writeFileAtomic;

export function writeReport(root: string, options: LoadOptions = {}): ReportFiles {
  const data = loadReportData(root, options);
  const dir = new RunDir(root).report;
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const backtest = backtestFigure(data.fit?.backtest);
  const figures = [...reportFigures(data.records, data.fit ?? undefined), ...(backtest ? [backtest] : []), ...calibrationFigures(data.calibration), ...adaptiveFigures(data.adaptive)];
  const rendered: RenderedFigure[] = figures.map((figure) => {
    const svg = renderSvg(figure.spec);
    const svgFile = join(dir, `${figure.name}.svg`);
    const pngFile = join(dir, `${figure.name}.png`);
    write(svgFile, `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
    write(pngFile, renderPng(svg));
    files.push(svgFile, pngFile);
    return { figure, svg };
  });
  const index = join(dir, "index.html");
  write(index, reportHtml(data, rendered));
  return { report_dir: dir, files: [index, ...files], fit_error: data.fitError };
}

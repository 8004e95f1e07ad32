/**
 * `flops-fit compare --out DIR` (and a `sweep` with `compare_to`, into RUN_DIR/compare): the
 * comparison page DIR/index.html, each figure as SVG and PNG, and compare.json (what
 * `compare --json` prints). Every file is written whole (temp file + rename).
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CompareRun } from "../compare/run-compare.js";
import type { FitOutput } from "../store/fit-json.js";
import { writeFileAtomic } from "../store/atomic-write.js";
import { WriteFailure } from "../store/write-failure.js";
import { compareIsoflops, compareLossLaws, compareMultiplier } from "./compare-figures.js";
import { compareHtml } from "./compare-html.js";
import type { Figure } from "./figures.js";
import type { RenderedFigure } from "./report-html.js";
import { renderPng } from "./render-png.js";
import { renderSvg } from "./render-svg.js";

/** A sweep's IsoFLOP vertices (approach 2's used budgets) at the compute their runs spent. */
const vertices = (fit: FitOutput) => (fit.approaches["2"]?.budgets ?? []).flatMap((b) => (b.status === "used" && b.loss_opt !== undefined ? [{ budget_flops: b.compute_flops ?? b.budget_flops, loss: b.loss_opt }] : []));

export function compareFigures(run: CompareRun): Figure[] {
  const c = run.comparison;
  const level = `${Math.round(c.confidence * 1000) / 10}%`;
  const fit = c.answer === "shared" ? "the shared-exponent fit" : "the free fits";
  const figures: Array<Figure | null> = [];
  const add = (name: string, title: string, caption: string, spec: Figure["spec"] | null) => figures.push(spec ? { name, title, caption, spec } : null);
  add("compare-isoflops", "IsoFLOP curves of both sweeps", "Held-out loss against parameters N at every budget: baseline (blue dots) and variant (orange triangles), each budget's parabola in log N.", compareIsoflops(...run.points));
  add("compare-loss-opt", "Loss at the optimum L*(C) of both sweeps", `Each sweep's compute-optimal loss under ${fit}, with its ${level} band (dashed beyond the largest budget both reach); dots are the IsoFLOP vertices.`, compareLossLaws(c, { baseline: vertices(run.fits[0]), variant: vertices(run.fits[1]) }));
  add("compare-multiplier", "Effective-compute multiplier k(C)", `k(C) = C_A/C with its ${level} band (every resample answering with the fit its own test selects); diamonds at the requested budgets; dashed: k = 1 and the largest budget both sweeps reach.`, compareMultiplier(c));
  return figures.filter((f): f is Figure => f !== null);
}

export function writeCompareReport(outDir: string, run: CompareRun): { report_dir: string; files: string[] } {
  const dir = resolve(outDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new WriteFailure(dir, error);
  }
  const files: string[] = [];
  const rendered: RenderedFigure[] = compareFigures(run).map((figure) => {
    const svg = renderSvg(figure.spec);
    const [svgFile, pngFile] = [join(dir, `${figure.name}.svg`), join(dir, `${figure.name}.png`)];
    writeFileAtomic(svgFile, `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
    writeFileAtomic(pngFile, renderPng(svg));
    files.push(svgFile, pngFile);
    return { figure, svg };
  });
  const index = join(dir, "index.html");
  writeFileAtomic(index, compareHtml(run.comparison, rendered, new Date().toISOString()));
  const json = join(dir, "compare.json");
  writeFileAtomic(json, `${JSON.stringify(run.json, null, 2)}\n`);
  return { report_dir: dir, files: [index, json, ...files] };
}

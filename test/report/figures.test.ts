import { describe, expect, it } from "vitest";
import { fitRows } from "../../src/fit/fit-rows.js";
import { reportFigures } from "../../src/report/figures.js";
import { isoFlopCurves } from "../../src/report/isoflop-curves.js";
import { renderSvg } from "../../src/report/render-svg.js";
import { compareGolden } from "./golden.js";
import { fixtureFit, fixtureRecords } from "./fixture.js";

describe("report figures", () => {
  const figures = reportFigures(fixtureRecords(), fixtureFit());

  it("builds every figure from a full fit, in report order", () => {
    expect(figures.map((f) => f.name)).toEqual(["isoflop-curves", "n-opt", "d-opt", "loss-opt", "approach3-parity", "approach3-residuals", "training-curves"]);
  });

  for (const name of ["isoflop-curves", "n-opt", "d-opt", "loss-opt", "approach3-parity", "approach3-residuals", "training-curves"]) {
    it(`${name} renders to its golden SVG`, () => {
      const figure = figures.find((f) => f.name === name)!;
      expect(compareGolden(name, renderSvg(figure.spec))).toBeNull();
    });
  }

  it("without a fit, draws only the runs: IsoFLOP curves (parabolas fitted locally, no vertices) and training curves", () => {
    const bare = reportFigures(fixtureRecords());
    expect(bare.map((f) => f.name)).toEqual(["isoflop-curves", "training-curves"]);
    expect(compareGolden("isoflop-curves-no-fit", renderSvg(bare[0]!.spec))).toBeNull();
  });

  it("names each refused budget and its reason in the IsoFLOP figure and its caption", () => {
    const iso = figures[0]!;
    expect(iso.caption).toContain("C=3e11: vertex below the sampled range");
    expect(renderSvg(iso.spec)).toContain("refused: vertex below the sampled range");
  });

  it("keeps a refused budget's label inside the figure when its lowest loss is at the smallest N of all (it starts there, not centred on the edge)", () => {
    const point = (budget: number, n: number, loss: number) => ({ experiment_id: `${budget}-${n}`, budget_flops: budget, n_params: n, n_tokens: budget / (6 * n), loss });
    const points = [point(1e9, 1e3, 3.0), point(1e9, 2e3, 3.1), point(1e9, 4e3, 3.3), point(1e10, 8e3, 2.9), point(1e10, 16e3, 2.8), point(1e10, 32e3, 2.9)];
    const fit = { approaches: { "2": { budgets: [{ budget_flops: 1e9, status: "refused", reason: "no interior minimum: the lowest loss is at the smallest size" }] } } } as unknown as Parameters<typeof isoFlopCurves>[1];
    const svg = renderSvg(isoFlopCurves(points, fit)!);
    const label = /<g aria-label="text"[^>]*text-anchor="start"[^>]*>\s*<text[^>]*transform="translate\(([\d.]+),[\d.]+\)">refused: no interior minimum/.exec(svg);
    expect(label, svg.slice(svg.indexOf("refused") - 400, svg.indexOf("refused") + 50)).not.toBeNull();
    expect(Number(label![1])).toBeGreaterThan(30); // at the first point, inside the left margin, extending right
  });

  it("draws nothing from an empty run directory", () => {
    expect(reportFigures([], fitRows([], { approaches: [1, 2, 3], paramConvention: "total" }))).toEqual([]);
  });
});

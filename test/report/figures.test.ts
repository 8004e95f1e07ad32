import { describe, expect, it } from "vitest";
import { fitRows } from "../../src/fit/fit-rows.js";
import { reportFigures } from "../../src/report/figures.js";
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

  it("draws nothing from an empty run directory", () => {
    expect(reportFigures([], fitRows([], { approaches: [1, 2, 3], paramConvention: "total" }))).toEqual([]);
  });
});

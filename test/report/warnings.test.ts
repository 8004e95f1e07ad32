/** The report lists each warning once: an approach's warning that names its approach is not prefixed again. */
import { describe, expect, it } from "vitest";
import type { FitOutput } from "../../src/store/fit-json.js";
import { allWarnings } from "../../src/report/summary-html.js";

describe("the report's warnings", () => {
  it("approach 3's failed checks appear once, not also as 'approach 3: approach 3 failed its checks'", () => {
    const failed = "approach 3 failed its checks and does not answer: alpha at its bound";
    const fit = {
      warnings: [failed],
      approaches: { "2": { warnings: ["budget 3e+11 refused"] }, "3": { warnings: [failed, "approach 3: few points"] } },
    } as unknown as FitOutput;
    expect(allWarnings(fit, ["2 sizes did not build"])).toEqual(["plan: 2 sizes did not build", failed, "approach 2: budget 3e+11 refused", "approach 3: few points"]);
  });
});

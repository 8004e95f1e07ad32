import { describe, expect, it } from "vitest";
import { checkTextData, formatTextDataCheck } from "../../src/doctor/text-data-check.js";
import { choosePython } from "../../src/scheduler/python.js";

describe("doctor's text-data line", () => {
  it("reports the versions of tokenizers and datasets the worker's Python imports", async () => {
    const found = await checkTextData(choosePython().executable);
    expect(found.tokenizers).toMatch(/^\d+\.\d+/); // the hf extra installs both (scripts/setup-python.mjs)
    expect(formatTextDataCheck(found)).toMatch(/^text data: tokenizers \d+\.\d+\S*, datasets /);
  });

  it("names what a missing one stops and how to install it, and never fails the check", async () => {
    expect(await checkTextData("/nonexistent/python")).toEqual({ tokenizers: null, datasets: null });
    expect(formatTextDataCheck({ tokenizers: null, datasets: "4.0.0" })).toBe(
      "text data: tokenizers missing (flops-fit tokenize needs it; pip install tokenizers, or npm run setup:python -- --force), datasets 4.0.0",
    );
  });
});

import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fitRows } from "../../src/fit/fit-rows.js";
import { FITTER_VERSION } from "../../src/fitting/fitter-version.js";
import { RunDir } from "../../src/store/run-dir.js";
import { fitRequestKey, storedFit } from "../../src/fit/fit-run-dir.js";
import { storedReport } from "../../src/report/stored-report.js";

const request = { approaches: [1, 2, 3] as Array<1 | 2 | 3>, bootstrap: 100, seed: 0, predict: [], paramConvention: "total" as const };

function runDir(): RunDir {
  const dir = new RunDir(mkdtempSync(join(tmpdir(), "ff-stored-")));
  dir.create();
  writeFileSync(dir.results, "");
  return dir;
}

/** A file as a sweep would have written it (fit.json of any shape, old ones included). */
const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value, null, 2) + "\n");

const age = (file: string, secondsAgo: number) => utimesSync(file, new Date(Date.now() - secondsAgo * 1000), new Date(Date.now() - secondsAgo * 1000));

describe("a sweep that recorded nothing new", () => {
  it("reuses fit.json made after the last record for the same definition and request", () => {
    const dir = runDir();
    const key = fitRequestKey(request, "abc123abc123");
    const fit = fitRows([], request);
    writeJson(dir.fit, { ...fit, request: key });
    age(dir.results, 10);
    expect(storedFit(dir, key)).toEqual(JSON.parse(JSON.stringify(fit)));
  });

  it("fits again for another request, another definition, or records newer than fit.json", () => {
    const dir = runDir();
    const key = fitRequestKey(request, "abc123abc123");
    writeJson(dir.fit, { n_points: 25, request: key });
    age(dir.results, 10);
    expect(storedFit(dir, fitRequestKey({ ...request, bootstrap: 0 }, "abc123abc123"))).toBeNull();
    expect(storedFit(dir, fitRequestKey({ ...request, predict: [1e21] }, "abc123abc123"))).toBeNull();
    expect(storedFit(dir, fitRequestKey(request, "def456def456"))).toBeNull();
    age(dir.fit, 20);
    expect(storedFit(dir, key)).toBeNull();
    writeJson(dir.fit, { n_points: 25 }); // written before fit.json recorded its request
    expect(storedFit(dir, key)).toBeNull();
  });

  it("fits again when fit.json was made by earlier fitting methods", () => {
    const dir = runDir();
    const key = fitRequestKey(request, "abc123abc123");
    const fit = fitRows([], request);
    const { fitter: _current, ...olderKey } = key;
    writeJson(dir.fit, { ...fit, request: olderKey }); // a fit.json from before FITTER_VERSION
    age(dir.results, 10);
    expect(storedFit(dir, key)).toBeNull();
    writeJson(dir.fit, { ...fit, request: { ...key, fitter: FITTER_VERSION - 1 } });
    age(dir.results, 10);
    expect(storedFit(dir, key)).toBeNull();
    writeJson(dir.fit, { ...fit, request: key });
    age(dir.results, 10);
    expect(storedFit(dir, key)).not.toBeNull();
  });

  it("reuses report/ only when it is at least as new as fit.json", () => {
    const dir = runDir();
    writeJson(dir.fit, {});
    mkdirSync(dir.report);
    writeFileSync(join(dir.report, "index.html"), "<html>");
    writeFileSync(join(dir.report, "n-opt.svg"), "<svg/>");
    expect(storedReport(dir)).toEqual({ report_dir: dir.report, files: [join(dir.report, "index.html"), join(dir.report, "n-opt.svg")] });
    age(join(dir.report, "index.html"), 30);
    expect(storedReport(dir)).toBeNull();
  });
});

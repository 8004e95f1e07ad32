/**
 * Golden SVG files: numbers rounded to 0.1 and Plot's per-process clip ids renumbered
 * before comparing, so a golden survives floating-point noise and test order. On a
 * mismatch `<name>-changed.svg` is written beside the golden (git-ignored) and the test
 * fails; UPDATE_GOLDEN=1 rewrites the goldens instead.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "golden");

export function normaliseSvg(svg: string): string {
  const ids = new Map<string, string>();
  return svg
    .replace(/plot-clip-\d+/g, (id) => {
      if (!ids.has(id)) ids.set(id, `plot-clip-${ids.size + 1}`);
      return ids.get(id)!;
    })
    .replace(/-?\d+\.\d+(e[-+]?\d+)?/gi, (n) => {
      const rounded = Number(Number(n).toFixed(1));
      return String(Object.is(rounded, -0) ? 0 : rounded);
    })
    .replace(/></g, ">\n<");
}

/** Compares `svg` with golden/<name>.svg; returns a message on mismatch, null when equal. */
export function compareGolden(name: string, svg: string): string | null {
  const file = join(GOLDEN_DIR, `${name}.svg`);
  const changed = join(GOLDEN_DIR, `${name}-changed.svg`);
  const actual = normaliseSvg(svg) + "\n";
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    rmSync(changed, { force: true });
    return null;
  }
  if (!existsSync(file)) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(changed, actual);
    return `no golden ${file}: wrote ${changed} (check it, then run with UPDATE_GOLDEN=1)`;
  }
  if (readFileSync(file, "utf8") === actual) {
    rmSync(changed, { force: true });
    return null;
  }
  writeFileSync(changed, actual);
  return `${name}.svg differs from its golden: compare ${changed} with ${file} (UPDATE_GOLDEN=1 accepts the change)`;
}

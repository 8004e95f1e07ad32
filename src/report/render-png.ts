/**
 * SVG → PNG with resvg and the DejaVu Sans shipped in the `dejavu-fonts-ttf` package, with
 * system fonts off: the PNG's text looks the same on every machine.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";

const require = createRequire(import.meta.url);
const fontDir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");

/** Paths of the bundled fonts (regular and bold DejaVu Sans). */
export const FONT_FILES = [join(fontDir, "DejaVuSans.ttf"), join(fontDir, "DejaVuSans-Bold.ttf")];

/** Renders an SVG string to PNG bytes at `scale` × its own size (2 = crisp on high-DPI screens). */
export function renderPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  });
  return resvg.render().asPng();
}

/**
 * A categorical legend drawn with marks in a left corner of the frame, so it lives
 * inside the SVG (Plot's own legends are separate HTML elements). Pure.
 */
import * as Plot from "@observablehq/plot";

export interface Swatch {
  label: string;
  color: string;
  /** "line" (optionally dashed), or a dot symbol such as "circle", "star", "diamond". */
  shape: "line" | "dashed" | Plot.SymbolName;
  /** Hollow dot (stroke only). */
  hollow?: boolean;
}

/** A horizontal dash as a dot symbol (d3 symbol-type protocol), for line swatches. */
const dash = {
  draw(context: { moveTo(x: number, y: number): void; lineTo(x: number, y: number): void }, size: number) {
    const half = Math.sqrt(size) * 1.6;
    context.moveTo(-half, 0);
    context.lineTo(half, 0);
  },
};

/** `corner`: where in the frame the legend sits (choose the one the data leaves empty). */
export function swatchLegend(swatches: Swatch[], corner: "top-left" | "bottom-left" = "top-left"): Plot.Markish[] {
  const marks: Plot.Markish[] = [];
  swatches.forEach((s, i) => {
    const dy = corner === "top-left" ? 12 + 15 * i : -(12 + 15 * (swatches.length - 1 - i));
    const dx = 12;
    if (s.shape === "line" || s.shape === "dashed") {
      marks.push(Plot.dot([0], { frameAnchor: corner, dx, dy, symbol: dash, r: 4, stroke: s.color, fill: "none", strokeWidth: 2, strokeDasharray: s.shape === "dashed" ? "3,2" : undefined }));
    } else {
      marks.push(Plot.dot([0], { frameAnchor: corner, dx, dy, symbol: s.shape, r: 4, stroke: s.color, fill: s.hollow ? "white" : s.color, strokeWidth: 1.5 }));
    }
    marks.push(Plot.text([s.label], { text: (d: string) => d, frameAnchor: corner, dx: dx + 12, dy, textAnchor: "start", lineAnchor: "middle", fill: "#222", stroke: "white", strokeWidth: 3, paintOrder: "stroke" }));
  });
  return marks;
}

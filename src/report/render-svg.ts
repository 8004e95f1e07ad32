/**
 * The one module that touches a DOM: renders an Observable Plot spec to an SVG string
 * through jsdom and XMLSerializer. Everything else in src/report builds specs purely.
 */
import * as Plot from "@observablehq/plot";
import { JSDOM } from "jsdom";

/** Font stack of every figure: DejaVu Sans first, so the PNG (rendered with it) matches. */
export const FIGURE_FONT = "DejaVu Sans, Verdana, system-ui, sans-serif";

let dom: JSDOM | undefined;

/** Renders `spec` (Plot.plot options, without `document`) to a standalone SVG document string. */
export function renderSvg(spec: Plot.PlotOptions): string {
  dom ??= new JSDOM("<!DOCTYPE html><body></body>");
  const element = Plot.plot({ ...spec, document: dom.window.document });
  if (element.tagName.toLowerCase() !== "svg") {
    throw new Error(`renderSvg: spec rendered a <${element.tagName.toLowerCase()}>, not an <svg> (drop legend/title/caption options: the report puts those in HTML)`);
  }
  element.setAttribute("font-family", FIGURE_FONT);
  // An explicit background, so the SVG reads the same on a dark page or viewer.
  const background = dom.window.document.createElementNS("http://www.w3.org/2000/svg", "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("fill", "white");
  element.insertBefore(background, element.querySelector("style")?.nextSibling ?? element.firstChild);
  return new dom.window.XMLSerializer().serializeToString(element);
}

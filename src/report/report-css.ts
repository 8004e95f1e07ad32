/** The report's stylesheet, inlined in <style> (the page loads nothing). */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #666; --line: #e3e3e3; --accent: #4269d0; --warn-bg: #fff6e0; --warn: #8a5a00; --bad: #b00020; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "DejaVu Sans", Verdana, system-ui, sans-serif; color: var(--ink); background: #fafafa; }
main { max-width: 1440px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 6px; }
.meta { color: var(--muted); font-size: 12.5px; margin: 0; }
.meta code { font-size: 12px; }
nav { margin: 14px 0 0; font-size: 13px; }
nav a { color: var(--accent); margin-right: 14px; text-decoration: none; }
.callout { border-left: 4px solid var(--bad); background: #fdeeee; padding: 10px 14px; margin: 12px 0; }
.warnings { border-left: 4px solid #e0a000; background: var(--warn-bg); color: var(--warn); padding: 8px 14px 8px 30px; margin: 12px 0; }
.warnings li { margin: 2px 0; }
table { border-collapse: collapse; background: white; font-size: 13px; margin: 6px 0 12px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f2f2f2; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { color: var(--muted); font-size: 12px; }
.status-completed { color: #1d7a35; }
.status-failed, .status-diverged, .status-oom { color: var(--bad); font-weight: 600; }
.status-cancelled, .status-pending { color: var(--muted); }
.scroll { overflow-x: auto; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 660px), 1fr)); gap: 18px; }
figure { margin: 0; background: white; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
figure h3 { margin: 0 0 8px; }
figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 6px; }
figcaption a { color: var(--accent); }
pre { background: white; border: 1px solid var(--line); padding: 10px 12px; font-size: 12px; overflow-x: auto; max-height: 480px; }
details summary { cursor: pointer; color: var(--accent); margin: 6px 0; }
.error-cell { max-width: 420px; color: var(--bad); font-size: 12px; }
`;

/**
 * The one line that says what went wrong in a recorded error: for a Python traceback its last
 * line (`ValueError: heads=3 must divide width=32`), else the first line. The full text stays
 * in results.jsonl and RUN_DIR/logs/errors/.
 */
export function errorLine(error: string | null | undefined): string {
  if (!error) return "";
  const lines = error.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  if (lines.length === 0) return "";
  const start = lines.findIndex((l) => l.startsWith("Traceback (most recent call last)"));
  if (start < 0) return lines[0]!;
  // The exception line(s): the last unindented line after the traceback's frames.
  for (let i = lines.length - 1; i > start; i--) {
    if (!/^\s/.test(lines[i]!)) return lines[i]!.trim();
  }
  return lines[lines.length - 1]!.trim();
}

/**
 * A message on one line: JSON.parse quotes the text it failed on, newlines and all, which
 * would break an error line (and a located `file:line: message`) apart: they are shown as \n.
 */
export function oneLine(message: string): string {
  return message.trim().replace(/\r/g, "\\r").replace(/\n/g, "\\n");
}

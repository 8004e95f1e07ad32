/**
 * Progress of a long fit on stderr. The fit is synchronous, so this is called from inside
 * it: nothing is shown for the first `quietMs` (most fits take well under a second), then
 * one line per `everyMs` (rewritten in place on a terminal).
 */
import type { FitProgress } from "../fitting/index.js";

const STAGES: Record<FitProgress["stage"], string> = {
  approach3_search: "approach 3: searching starts",
  approach3_refine: "approach 3: refining the best minima on all runs",
  bootstrap: "bootstrap resamples",
};

export function fitProgress(options: { write?: (text: string) => void; tty?: boolean; quietMs?: number; everyMs?: number } = {}): { onProgress: (progress: FitProgress) => void; done: () => void } {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const tty = options.tty ?? process.stderr.isTTY === true;
  const started = Date.now();
  const quietMs = options.quietMs ?? 2000;
  const everyMs = options.everyMs ?? (tty ? 250 : 5000);
  let lastAt = 0;
  let shown = false;
  return {
    onProgress(progress) {
      const now = Date.now();
      const last = progress.done === progress.total;
      if (now - started < quietMs || (now - lastAt < everyMs && !last)) return;
      lastAt = now;
      shown = true;
      const line = `fit: ${STAGES[progress.stage]} ${progress.done}/${progress.total} (${progress.runs} runs, ${((now - started) / 1000).toFixed(0)} s)`;
      write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    done() {
      if (shown && tty) write("\r\x1b[2K");
    },
  };
}

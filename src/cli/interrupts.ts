/**
 * Ctrl-C, SIGTERM and SIGHUP (the terminal went away) stop a command the same way: `stop()`
 * once (the command cancels what runs and cleans up, then exits 130), and a second signal
 * quits at once. Shared by `sweep` and `plan`.
 */
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Installs the handlers; returns the function that removes them. */
export function onInterrupt(note: (text: string) => void, doing: string, stop: (signal: NodeJS.Signals) => void): () => void {
  let stopping = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    if (signal === "SIGHUP") for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined); // no terminal left to write to
    note(`\nstopping (${signal}): ${doing} (Ctrl-C again to quit at once)`);
    stop(signal);
  };
  for (const signal of SIGNALS) process.on(signal, interrupt);
  return () => {
    for (const signal of SIGNALS) process.off(signal, interrupt);
  };
}

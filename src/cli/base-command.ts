/**
 * Shared behaviour of every command: `--json` (the return value of run() is the JSON
 * output), and errors for people: a UserError exits 2 with its located message, a
 * RuntimeFailure exits 1; neither prints a stack trace. Under `--json` the error is an
 * object `{ error: { code, message, where } }` on stdout.
 */
import { Command } from "@oclif/core";
import { formatLocation, RuntimeFailure, UserError } from "../errors/user-error.js";

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /** Human output (stderr under --json, so stdout stays clean JSON). */
  protected say(text: string): void {
    if (this.jsonEnabled()) return;
    process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  }

  /** Notes and progress: stderr, silenced under --json. */
  protected note(text: string): void {
    if (this.jsonEnabled()) return;
    process.stderr.write(text.endsWith("\n") ? text : text + "\n");
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (error instanceof UserError || error instanceof RuntimeFailure) {
      const where = error instanceof UserError ? error.where : {};
      if (this.jsonEnabled()) {
        process.stdout.write(JSON.stringify({ error: { code: error.code, message: error.message, where } }, null, 2) + "\n");
      } else {
        // Name the place when the message itself does not (file:line:column first).
        const place = error instanceof UserError && error.where.file && !error.message.includes(error.where.file) ? `${formatLocation(error.where)}: ` : "";
        process.stderr.write(`flops-fit: ${place}${error.message}\n`);
        if (error instanceof UserError && error.suggestions.length > 0) process.stderr.write(`Did you mean: ${error.suggestions.join(", ")}?\n`);
      }
      this.exit(error.exitCode);
    }
    if (this.jsonEnabled() && !error.oclif) {
      process.stdout.write(JSON.stringify({ error: { code: "internal", message: error.message } }, null, 2) + "\n");
      this.exit(1);
    }
    // A flag or argument oclif refused (e.g. --bootstrap above its maximum) is bad input: exit 2.
    if (this.jsonEnabled() && error.oclif?.exit === 2) {
      process.stdout.write(JSON.stringify({ error: { code: "bad_arguments", message: error.message.replace(/\s+/g, " ").trim() } }, null, 2) + "\n");
      this.exit(2);
    }
    return super.catch(error);
  }
}

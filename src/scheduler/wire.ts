/**
 * The orchestrator's ROUTER socket: binds, decodes and validates every frame from the
 * workers, and serialises sends (zeromq.js allows one pending send per socket).
 * `mandatory` makes a send to a vanished worker fail instead of being dropped silently;
 * `sendTimeout` keeps a wedged peer from blocking the orchestrator.
 */
import { Router } from "zeromq";
import { FromWorker, type ToWorker } from "../protocol/messages.js";

export interface Incoming {
  workerId: string;
  message: FromWorker;
}

export interface WireOptions {
  endpoint: string;
  sendTimeoutMs?: number;
  curveSecretKey?: string;
  /** Called when a peer fails the CURVE handshake (wrong server key, or refused by ZAP). */
  onHandshakeError?: (address: string, reason: string) => void;
  /** Called for frames that are not valid protocol messages (dropped, never fatal). */
  onInvalid?: (workerId: string, problem: string) => void;
}

export class Wire {
  private readonly router: Router;
  private sending: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: WireOptions) {
    this.router = new Router({ mandatory: true, sendTimeout: options.sendTimeoutMs ?? 2000, linger: 0 });
    if (options.curveSecretKey) {
      this.router.curveServer = true;
      this.router.curveSecretKey = options.curveSecretKey;
      this.router.zapDomain = "flops-fit";
      const report = (kind: string) => (event: { address?: string; error?: Error }) =>
        options.onHandshakeError?.(event.address ?? "?", `${kind}: ${event.error?.message ?? "handshake failed"}`);
      this.router.events.on("handshake:error:auth", report("authentication failed"));
      this.router.events.on("handshake:error:protocol", report("CURVE handshake failed (wrong server key?)"));
      this.router.events.on("handshake:error:other", report("handshake failed"));
    }
  }

  /** Binds and returns the concrete endpoint (tcp port resolved). */
  async bind(): Promise<string> {
    await this.router.bind(this.options.endpoint);
    return this.router.lastEndpoint ?? this.options.endpoint;
  }

  /** The single receive loop: yields decoded, validated messages until close(). */
  async *messages(): AsyncGenerator<Incoming> {
    try {
      for await (const [id, frame] of this.router) {
        const workerId = id?.toString() ?? "";
        let parsed: unknown;
        try {
          parsed = JSON.parse(frame?.toString() ?? "");
        } catch {
          this.options.onInvalid?.(workerId, "frame is not JSON");
          continue;
        }
        const result = FromWorker.safeParse(parsed);
        if (!result.success) {
          this.options.onInvalid?.(workerId, result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
          continue;
        }
        yield { workerId, message: result.data };
      }
    } catch (error) {
      if (!this.closed) throw error;
    }
  }

  /** Sends one message; resolves false when the worker is gone (never throws). */
  send(workerId: string, message: ToWorker): Promise<boolean> {
    const attempt = this.sending.then(async () => {
      if (this.closed) return false;
      try {
        await this.router.send([workerId, JSON.stringify(message)]);
        return true;
      } catch {
        return false;
      }
    });
    this.sending = attempt;
    return attempt;
  }

  close(): void {
    this.closed = true;
    this.router.close();
  }
}

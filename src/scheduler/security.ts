/**
 * Authentication for workers that connect over the network (pilot jobs on other nodes).
 * ipc:// and loopback tcp need none; any other endpoint requires CURVE encryption with
 * a per-sweep server key, a ZAP handler that admits only the sweep's client key, and a
 * token in the worker's hello. Whoever is refused, and why, is reported.
 */
import { randomBytes } from "node:crypto";
import { curveKeyPair, Reply } from "zeromq";

export interface CurveCredentials {
  serverPublic: string;
  serverSecret: string;
  clientPublic: string;
  clientSecret: string;
  /** Shared secret a worker must present in its hello. */
  token: string;
}

export function generateCredentials(): CurveCredentials {
  const server = curveKeyPair();
  const client = curveKeyPair();
  return { serverPublic: server.publicKey, serverSecret: server.secretKey, clientPublic: client.publicKey, clientSecret: client.secretKey, token: randomBytes(24).toString("hex") };
}

/** Environment a worker needs to connect with these credentials. */
export function workerEnvironment(credentials: CurveCredentials): Record<string, string> {
  return {
    FLOPS_FIT_CURVE_SERVER_PUBLIC: credentials.serverPublic,
    FLOPS_FIT_CURVE_CLIENT_PUBLIC: credentials.clientPublic,
    FLOPS_FIT_CURVE_CLIENT_SECRET: credentials.clientSecret,
    FLOPS_FIT_TOKEN: credentials.token,
  };
}

const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** Z85 encoding (ZeroMQ RFC 32) of a buffer whose length is a multiple of 4. */
export function z85Encode(data: Uint8Array): string {
  let text = "";
  for (let i = 0; i < data.length; i += 4) {
    let value = ((data[i]! << 24) >>> 0) + (data[i + 1]! << 16) + (data[i + 2]! << 8) + data[i + 3]!;
    const chunk: string[] = [];
    for (let j = 0; j < 5; j++) {
      chunk.unshift(Z85[value % 85]!);
      value = Math.floor(value / 85);
    }
    text += chunk.join("");
  }
  return text;
}

/**
 * The ZAP handler (ZeroMQ RFC 27) on inproc://zeromq.zap.01. ZeroMQ allows one per
 * context, so it is shared: each pool registers the client key it admits and how to
 * report refusals; CURVE clients with any other key are refused (and reported to every
 * registered pool, since the handler cannot tell which socket they knocked on).
 */
export class ZapAuthenticator {
  private static instance?: Promise<ZapAuthenticator>;
  private static current?: ZapAuthenticator;
  private static closing: Promise<void> = Promise.resolve();
  private readonly socket = new Reply();
  private readonly registrations = new Map<symbol, { key: string; onRefused: (address: string, reason: string) => void }>();

  /** The process-wide handler, bound on first use. */
  static shared(): Promise<ZapAuthenticator> {
    ZapAuthenticator.instance ??= (async () => {
      await ZapAuthenticator.closing;
      const handler = new ZapAuthenticator();
      await handler.socket.bind(ZAP_ENDPOINT);
      ZapAuthenticator.current = handler;
      void handler.loop();
      return handler;
    })();
    return ZapAuthenticator.instance;
  }

  /** Admits `clientKey` until the returned function is called. */
  register(clientKey: string, onRefused: (address: string, reason: string) => void): () => void {
    const id = Symbol("zap-registration");
    this.registrations.set(id, { key: clientKey, onRefused });
    return () => {
      this.registrations.delete(id);
      // Nobody left to admit: close the handler, so its socket does not keep the process alive.
      if (this.registrations.size === 0 && ZapAuthenticator.current === this) {
        ZapAuthenticator.instance = undefined;
        ZapAuthenticator.current = undefined;
        // The next handler binds the same inproc name: it waits until this one has let go of it.
        ZapAuthenticator.closing = this.socket.unbind(ZAP_ENDPOINT).catch(() => undefined).then(() => this.socket.close());
      }
    };
  }

  private async loop(): Promise<void> {
    try {
      await this.serve();
    } catch {
      // closed while waiting for a request
    }
  }

  private async serve(): Promise<void> {
    for await (const frames of this.socket) {
      const [version, requestId, , address, , mechanism, credential] = frames;
      const curve = mechanism?.toString() === "CURVE";
      const key = curve && credential ? z85Encode(credential) : "";
      const ok = [...this.registrations.values()].some((r) => r.key === key);
      if (!ok) {
        const reason = curve ? "unknown CURVE client key" : `mechanism ${mechanism?.toString()} not allowed`;
        for (const r of this.registrations.values()) r.onRefused(address?.toString() ?? "?", reason);
      }
      await this.socket.send([version ?? "1.0", requestId ?? "", ok ? "200" : "400", ok ? "OK" : "refused", ok ? "worker" : "", ""]);
    }
  }
}

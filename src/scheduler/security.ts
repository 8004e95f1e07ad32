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
 * A ZAP handler (ZeroMQ RFC 27) on inproc://zeromq.zap.01: admits CURVE clients whose
 * public key is in `allowed`, refuses (and reports) everyone else.
 */
export class ZapAuthenticator {
  private readonly socket = new Reply();
  private running?: Promise<void>;

  constructor(private readonly allowed: Set<string>, private readonly onRefused: (address: string, reason: string) => void) {}

  async start(): Promise<void> {
    await this.socket.bind("inproc://zeromq.zap.01");
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const [version, requestId, , address, , mechanism, credential] = frames;
        const key = mechanism?.toString() === "CURVE" && credential ? z85Encode(credential) : "";
        const ok = this.allowed.has(key);
        if (!ok) this.onRefused(address?.toString() ?? "?", mechanism?.toString() === "CURVE" ? "unknown CURVE client key" : `mechanism ${mechanism?.toString()} not allowed`);
        await this.socket.send([version ?? "1.0", requestId ?? "", ok ? "200" : "400", ok ? "OK" : "refused", ok ? "worker" : "", ""]);
      }
    } catch {
      // closed
    }
  }

  async stop(): Promise<void> {
    this.socket.close();
    await this.running;
  }
}

// The data plane's Network over WebSockets (`ws`): a node listens on host:port and others connect
// to its ws:// address; each exchange frame is one binary ws message (whole, in order: TCP).
//
// Every connection starts with a handshake of small JSON text messages, before any frame:
//   client → hello {version, nonce}              server: a different version is refused
//   server → challenge {version, nonce, proof}   proof = HMAC(token, "server", both nonces)
//   client → auth {proof}                        client: a server without the token is refused
//   server → welcome                             server: a client without the token is refused
// so each side proves it holds the cluster token without sending it, and a peer of another
// protocol version or without the token is refused with a clear error on both sides (the
// refusing side sends the reason, closes, and reports it through onRefused).

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { hostname } from "node:os";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { SqlError } from "../types/index.js";
import type { Connection, Network } from "./backbone.js";

/** The version of the cluster's wire protocol; nodes of different versions never talk. */
export const CLUSTER_PROTOCOL_VERSION = 1;

/** SQLSTATE sqlserver_rejected_establishment_of_sqlconnection: a peer refused the handshake */
export const CONNECTION_REFUSED = "08004";

export class ClusterRefusedError extends SqlError {
  constructor(message: string) {
    super(CONNECTION_REFUSED, message);
    this.name = "ClusterRefusedError";
  }
}

export interface WsNetworkOptions {
  /** the cluster token both sides must hold */
  token: string;
  /** where to listen (default 127.0.0.1) */
  host?: string;
  /** 0 (default): a free port */
  port?: number;
  /** the address to give others when it differs from ws://host:port (NAT, 0.0.0.0) */
  advertise?: string;
  /** default CLUSTER_PROTOCOL_VERSION (tests pass another to be refused) */
  protocolVersion?: number;
  /** a handshake not done within this is abandoned, ms (default 5000) */
  handshakeTimeoutMs?: number;
  /** the largest frame accepted, bytes (default 64 MiB) */
  maxFrameBytes?: number;
  /** ping each peer this often; one silent for two periods is disconnected (default 5000; 0: never) */
  keepaliveMs?: number;
  /** told each peer this node refused (or that refused it on connecting to us) and why */
  onRefused?: (reason: string, peer: string) => void;
}

type Hello = { t: "hello"; version: number; nonce: string };
type Challenge = { t: "challenge"; version: number; nonce: string; proof: string };
type Auth = { t: "auth"; proof: string };
type Welcome = { t: "welcome" };
type Refused = { t: "refused"; reason: string };
type Handshake = Hello | Challenge | Auth | Welcome | Refused;

/** ws close codes of a refused handshake (4000-4999 are for applications) */
const CLOSE_REFUSED = 4001;

function proof(token: string, role: "server" | "client", clientNonce: string, serverNonce: string): string {
  return createHmac("sha256", token).update(`sage-sql cluster ${role} ${clientNonce} ${serverNonce}`).digest("hex");
}

function proofMatches(expected: string, got: unknown): boolean {
  if (typeof got !== "string" || got.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(got));
}

function parseHandshake(data: RawData, isBinary: boolean): Handshake | null {
  if (isBinary) return null;
  try {
    const m = JSON.parse(String(data)) as Handshake;
    return typeof m === "object" && m !== null && typeof m.t === "string" ? m : null;
  } catch {
    return null;
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/** One established, authenticated link: binary frames in order, then one close. */
export class WsConnection implements Connection {
  private frameListeners: ((frame: Uint8Array) => void)[] = [];
  private closeListeners: ((reason: string) => void)[] = [];
  /** frames that arrived before anyone listened (right after the handshake) */
  private early: Uint8Array[] = [];
  private closedReason: string | null = null;

  private keepalive: ReturnType<typeof setInterval> | null = null;
  private heard = true;

  constructor(
    private readonly ws: WebSocket,
    /** the other side, for logs and errors */
    readonly peer: string,
    /** ping every this many ms; a peer silent for two periods is taken as gone (0: never) */
    keepaliveMs = 0,
  ) {
    if (keepaliveMs > 0) {
      // a peer that is paused or cut off closes no socket: without pings its link would look
      // open forever; with them, it breaks and the owner's onClose recovers
      ws.on("pong", () => (this.heard = true));
      this.keepalive = setInterval(() => {
        if (!this.heard) {
          // judged after pending socket reads (setImmediate runs after the poll phase), so a pong
          // that arrived while this process was busy is not taken for silence
          setImmediate(() => {
            if (this.heard || this.closedReason !== null) return;
            this.ws.terminate();
            this.closed(`${peer} did not answer keepalive pings for ${2 * keepaliveMs} ms`);
          });
          return;
        }
        this.heard = false;
        if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
      }, keepaliveMs);
      this.keepalive.unref();
    }
    ws.on("message", (data, isBinary) => {
      this.heard = true;
      if (!isBinary) {
        // only the handshake is text: a text message now breaks the protocol
        this.ws.close(1002, "unexpected text message");
        return;
      }
      const frame = toBytes(data);
      if (this.frameListeners.length === 0) this.early.push(frame);
      else for (const l of this.frameListeners) l(frame);
    });
    ws.on("close", (code, reason) => this.closed(`closed by ${peer} (${code}${reason.length ? ": " + reason.toString() : ""})`));
    ws.on("error", (e) => this.closed(`link to ${peer} broke: ${e.message}`));
  }

  /** bytes handed to the socket and not yet written (ws's bufferedAmount) */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  get isOpen(): boolean {
    return this.closedReason === null && this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: Uint8Array): void {
    // a frame sent after the link closed is dropped: onClose has told (or will tell) the owner
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame, { binary: true });
  }

  onFrame(listener: (frame: Uint8Array) => void): void {
    this.frameListeners.push(listener);
    if (this.early.length > 0) {
      const early = this.early;
      this.early = [];
      for (const f of early) listener(f);
    }
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closedReason !== null) {
      const reason = this.closedReason;
      queueMicrotask(() => listener(reason));
    } else this.closeListeners.push(listener);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000, "closed");
    this.closed("closed here");
  }

  private closed(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    if (this.keepalive !== null) clearInterval(this.keepalive);
    const ls = this.closeListeners;
    this.closeListeners = [];
    for (const l of ls) l(reason);
  }
}

export class WsNetwork implements Network {
  private server: WebSocketServer | null = null;
  private readonly connections = new Set<WsConnection>();
  private readonly version: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: WsNetworkOptions) {
    this.version = options.protocolVersion ?? CLUSTER_PROTOCOL_VERSION;
    this.timeoutMs = options.handshakeTimeoutMs ?? 5000;
  }

  listen(onConnection: (c: Connection) => void): Promise<string> {
    if (this.server !== null) return Promise.reject(new Error("this network already listens"));
    const host = this.options.host ?? "127.0.0.1";
    const server = new WebSocketServer({ host, port: this.options.port ?? 0, maxPayload: this.options.maxFrameBytes ?? 64 * 1024 * 1024 });
    this.server = server;
    server.on("connection", (ws, req) => this.accept(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`, onConnection));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.once("listening", () => {
        server.off("error", reject);
        const port = (server.address() as { port: number }).port;
        // a wildcard address is no address to dial: peers get this machine's name instead
        const dialHost = host === "0.0.0.0" || host === "::" ? hostname() : host;
        resolve(this.options.advertise ?? `ws://${dialHost}:${port}`);
      });
    });
  }

  private refuse(ws: WebSocket, reason: string, peer: string): void {
    this.options.onRefused?.(reason, peer);
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ t: "refused", reason } satisfies Refused));
      ws.close(CLOSE_REFUSED, reason.slice(0, 120));
    }
  }

  /** The server side of the handshake. */
  private accept(ws: WebSocket, peer: string, onConnection: (c: Connection) => void): void {
    const serverNonce = randomBytes(16).toString("hex");
    let clientNonce: string | null = null;
    const timer = setTimeout(() => this.refuse(ws, "handshake timed out", peer), this.timeoutMs);
    const done = () => {
      clearTimeout(timer);
      ws.off("message", onMessage);
    };
    ws.once("close", () => clearTimeout(timer));
    const onMessage = (data: RawData, isBinary: boolean) => {
      const m = parseHandshake(data, isBinary);
      if (m === null) {
        done();
        return this.refuse(ws, "expected the cluster handshake", peer);
      }
      if (m.t === "refused") {
        done();
        this.options.onRefused?.(`refused by the peer: ${m.reason}`, peer);
        return ws.close(CLOSE_REFUSED, "refused");
      }
      if (clientNonce === null) {
        if (m.t !== "hello" || typeof m.nonce !== "string") {
          done();
          return this.refuse(ws, "expected a hello", peer);
        }
        if (m.version !== this.version) {
          done();
          return this.refuse(ws, `cluster protocol version mismatch: this node speaks version ${this.version}, the peer version ${String(m.version)}`, peer);
        }
        clientNonce = m.nonce;
        ws.send(JSON.stringify({ t: "challenge", version: this.version, nonce: serverNonce, proof: proof(this.options.token, "server", clientNonce, serverNonce) } satisfies Challenge));
        return;
      }
      done();
      if (m.t !== "auth" || !proofMatches(proof(this.options.token, "client", clientNonce, serverNonce), m.proof)) {
        return this.refuse(ws, "the peer does not hold this cluster's token", peer);
      }
      const conn = new WsConnection(ws, peer, this.options.keepaliveMs ?? 5000);
      this.track(conn);
      ws.send(JSON.stringify({ t: "welcome" } satisfies Welcome));
      onConnection(conn);
    };
    ws.on("message", onMessage);
  }

  /** The client side of the handshake: resolves once the peer welcomed us, rejects (08004) when refused. */
  connect(address: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(address, {
        maxPayload: this.options.maxFrameBytes ?? 64 * 1024 * 1024,
        handshakeTimeout: this.timeoutMs,
        // a zero mask: ws then skips masking, a JS loop over every byte of every frame without the
        // optional bufferutil addon. Masking shields browsers' HTTP proxies from forged requests;
        // these are node-to-node links between token-authenticated peers.
        generateMask: (mask) => void mask.fill(0),
      });
      const clientNonce = randomBytes(16).toString("hex");
      let settled = false;
      const fail = (message: string, refused = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.off("message", onMessage);
        // an open socket closes politely, so a refusal sent just before reaches the peer
        if (ws.readyState === WebSocket.OPEN) ws.close(CLOSE_REFUSED, "refused");
        else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        reject(refused ? new ClusterRefusedError(message) : new SqlError("08001", message));
      };
      const timer = setTimeout(() => fail(`cluster handshake with ${address} timed out`), this.timeoutMs);
      const onMessage = (data: RawData, isBinary: boolean) => {
        const m = parseHandshake(data, isBinary);
        if (m === null) return fail(`${address} does not speak the cluster handshake`, true);
        if (m.t === "refused") return fail(`${address} refused this node: ${m.reason}`, true);
        if (m.t === "challenge") {
          if (m.version !== this.version) {
            const reason = `cluster protocol version mismatch: this node speaks version ${this.version}, the peer version ${String(m.version)}`;
            this.refuseServer(ws, reason, address);
            return fail(`${address} refused: ${reason}`, true);
          }
          if (!proofMatches(proof(this.options.token, "server", clientNonce, m.nonce), m.proof)) {
            const reason = "the peer does not hold this cluster's token";
            this.refuseServer(ws, reason, address);
            return fail(`${address} refused: ${reason}`, true);
          }
          ws.send(JSON.stringify({ t: "auth", proof: proof(this.options.token, "client", clientNonce, m.nonce) } satisfies Auth));
          return;
        }
        if (m.t === "welcome") {
          settled = true;
          clearTimeout(timer);
          ws.off("message", onMessage);
          const conn = new WsConnection(ws, address, this.options.keepaliveMs ?? 5000);
          this.track(conn);
          resolve(conn);
          return;
        }
        fail(`${address} sent an unexpected handshake message`, true);
      };
      ws.on("message", onMessage);
      ws.once("open", () => ws.send(JSON.stringify({ t: "hello", version: this.version, nonce: clientNonce } satisfies Hello)));
      ws.once("error", (e) => fail(`cannot connect to ${address}: ${e.message}`));
      ws.once("close", (code, reason) => fail(code === CLOSE_REFUSED ? `${address} refused this node: ${reason.toString()}` : `${address} closed the connection during the handshake (${code})`, code === CLOSE_REFUSED));
    });
  }

  private refuseServer(ws: WebSocket, reason: string, address: string): void {
    this.options.onRefused?.(reason, address);
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: "refused", reason } satisfies Refused));
  }

  private track(conn: WsConnection): void {
    this.connections.add(conn);
    conn.onClose(() => this.connections.delete(conn));
  }

  async close(): Promise<void> {
    for (const c of [...this.connections]) c.close();
    const server = this.server;
    this.server = null;
    if (server === null) return;
    for (const ws of server.clients) ws.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

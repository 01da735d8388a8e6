import { serialize } from "pg-protocol";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../protocol-error.js";
import { FrameReader, MAX_STARTUP_PACKET } from "./frame-reader.js";
import { decodeFrontendMessage } from "./frontend-messages.js";
import { decodeStartupPacket } from "./startup.js";

function frames(...buffers: Buffer[]) {
  const r = new FrameReader();
  for (const b of buffers) r.push(b);
  return r;
}

describe("FrameReader", () => {
  it("reassembles a startup packet split byte by byte", () => {
    const packet = serialize.startup({ user: "sage", database: "db", application_name: "t" });
    const r = new FrameReader();
    for (let i = 0; i < packet.length - 1; i++) {
      r.push(packet.subarray(i, i + 1));
      expect(r.nextStartup()).toBeNull();
    }
    r.push(packet.subarray(packet.length - 1));
    const p = decodeStartupPacket(r.nextStartup()!);
    expect(p).toEqual({ kind: "startup", majorVersion: 3, minorVersion: 0, params: new Map([["user", "sage"], ["database", "db"], ["application_name", "t"], ["client_encoding", "UTF8"]]) });
    expect(r.buffered).toBe(0);
  });

  it("decodes SSLRequest and CancelRequest", () => {
    expect(decodeStartupPacket(frames(serialize.requestSsl()).nextStartup()!)).toEqual({ kind: "ssl" });
    expect(decodeStartupPacket(frames(serialize.cancel(1234, -5)).nextStartup()!)).toEqual({ kind: "cancel", processId: 1234, secretKey: -5 });
  });

  it("refuses bad startup lengths and protocol versions", () => {
    const len = (n: number) => {
      const b = Buffer.alloc(8);
      b.writeInt32BE(n);
      return b;
    };
    expect(() => frames(len(-1)).nextStartup()).toThrow(ProtocolError);
    expect(() => frames(len(4)).nextStartup()).toThrow(ProtocolError);
    expect(() => frames(len(MAX_STARTUP_PACKET + 1)).nextStartup()).toThrow(ProtocolError);
    const v2 = Buffer.alloc(8);
    v2.writeInt32BE(8);
    v2.writeInt32BE(2 << 16, 4);
    expect(() => decodeStartupPacket(frames(v2).nextStartup()!)).toThrow(expect.objectContaining({ code: "0A000" }));
    // missing the final terminator
    const startup = serialize.startup({ user: "x" });
    const cut = Buffer.from(startup.subarray(0, startup.length - 1));
    cut.writeInt32BE(cut.length);
    expect(() => decodeStartupPacket(frames(cut).nextStartup()!)).toThrow(ProtocolError);
  });

  it("splits typed messages and checks their headers before buffering bodies", () => {
    const r = frames(Buffer.concat([serialize.query("select 1"), serialize.sync(), serialize.end()]));
    expect(decodeFrontendMessage(r.nextTyped()!)).toEqual({ type: "Query", sql: "select 1" });
    expect(decodeFrontendMessage(r.nextTyped()!)).toEqual({ type: "Sync" });
    expect(decodeFrontendMessage(r.nextTyped()!)).toEqual({ type: "Terminate" });
    expect(r.nextTyped()).toBeNull();

    const header = (type: string, len: number) => {
      const b = Buffer.alloc(5);
      b[0] = type.charCodeAt(0);
      b.writeInt32BE(len, 1);
      return b;
    };
    expect(() => frames(header("Q", 0x40000010)).nextTyped()).toThrow(/invalid message length/);
    expect(() => frames(header("Q", -7)).nextTyped()).toThrow(/invalid message length/);
    expect(() => frames(header("Q", 3)).nextTyped()).toThrow(/invalid message length/);
    expect(() => frames(header("S", 100_000)).nextTyped()).toThrow(/invalid message length/);
    expect(() => frames(header("z", 4)).nextTyped()).toThrow(/invalid frontend message type 122/);
    expect(frames(header("Q", 1000)).nextTyped()).toBeNull();
  });
});

describe("decodeFrontendMessage", () => {
  const decode = (b: Buffer) => decodeFrontendMessage(frames(b).nextTyped()!);

  it("decodes the extended-protocol messages node-postgres sends", () => {
    expect(decode(serialize.parse({ name: "s1", text: "select $1", types: [23] }))).toEqual({ type: "Parse", name: "s1", sql: "select $1", paramTypes: [23] });
    const bind = decode(serialize.bind({ portal: "p", statement: "s1", values: ["1", null, Buffer.from([1, 2])], binary: true }));
    expect(bind).toEqual({
      type: "Bind",
      portal: "p",
      statement: "s1",
      paramFormats: [0, 0, 1],
      params: [Buffer.from("1"), null, Buffer.from([1, 2])],
      resultFormats: [1],
    });
    expect(decode(serialize.describe({ type: "P", name: "p" }))).toEqual({ type: "Describe", target: "P", name: "p" });
    expect(decode(serialize.execute({ portal: "p", rows: 10 }))).toEqual({ type: "Execute", portal: "p", maxRows: 10 });
    expect(decode(serialize.close({ type: "S", name: "s1" }))).toEqual({ type: "Close", target: "S", name: "s1" });
    expect(decode(serialize.flush())).toEqual({ type: "Flush" });
    expect(decode(serialize.copyData(Buffer.from("a\n")))).toEqual({ type: "CopyData", data: Buffer.from("a\n") });
    expect(decode(serialize.copyDone())).toEqual({ type: "CopyDone" });
    expect(decode(serialize.copyFail("nope"))).toEqual({ type: "CopyFail", message: "nope" });
    expect(decode(serialize.password("pw")).type).toBe("AuthResponse");
  });

  it("refuses truncated and padded bodies", () => {
    const samples = [
      serialize.parse({ name: "s1", text: "select $1", types: [23, 25] }),
      serialize.bind({ statement: "s1", values: ["abc", null] }),
      serialize.describe({ type: "S", name: "s1" }),
      serialize.execute({ portal: "", rows: 0 }),
      serialize.query("select 1"),
    ];
    for (const msg of samples) {
      for (let cut = 5; cut < msg.length; cut++) {
        const b = Buffer.from(msg.subarray(0, cut));
        b.writeInt32BE(cut - 1, 1);
        expect(() => decode(b), `${String.fromCharCode(msg[0])} cut at ${cut}`).toThrow(ProtocolError);
      }
      const padded = Buffer.concat([msg, Buffer.from([0, 0])]);
      padded.writeInt32BE(padded.length - 1, 1);
      expect(() => decode(padded)).toThrow(ProtocolError);
    }
  });

  it("refuses bad format codes, counts and Describe targets", () => {
    const bind = Buffer.from(serialize.bind({ values: ["1"] }));
    // portal "" (1 byte), statement "" (1 byte), then int16 format count = 1, format = 0 → set it to 7
    bind.writeInt16BE(7, 5 + 2 + 2);
    expect(() => decode(bind)).toThrow(/unsupported format code/);
    const describe = Buffer.from(serialize.describe({ type: "S", name: "" }));
    describe[5] = "X".charCodeAt(0);
    expect(() => decode(describe)).toThrow(/invalid DESCRIBE message subtype/);
  });
});

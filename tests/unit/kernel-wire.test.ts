import { describe, expect, test } from "vitest";
import { encodeV1, message, parseV1 } from "../../lib/execution/kernel/messages";

/**
 * The binary framing of Jupyter Server's `v1.kernel.websocket.jupyter.org` kernel socket, byte
 * for byte as jupyter_server's serialize_msg_to_ws_v1 writes it (a real server reading and
 * writing it is tests/execution/kernel-wire.test.ts).
 */
function pythonLayout(channel: string, parts: string[]): Buffer {
  const pieces = [channel, ...parts].map((p) => Buffer.from(p));
  const offsets = [8 * (1 + 1 + parts.length + 1)];
  for (const p of pieces) offsets.push(offsets.at(-1)! + p.length);
  const words = Buffer.alloc(8 * (offsets.length + 1));
  words.writeBigUInt64LE(BigInt(offsets.length), 0);
  offsets.forEach((o, i) => words.writeBigUInt64LE(BigInt(o), 8 * (i + 1)));
  return Buffer.concat([words, ...pieces]);
}

describe("the kernel socket's binary framing", () => {
  test("a request is framed as jupyter_server lays it out: offsets, the channel, header, parent, metadata, content", () => {
    const m = message("shell", "execute_request", { code: "print('é ✓')", silent: false }, "s-1");
    const framed = encodeV1(m);
    expect(framed.equals(pythonLayout("shell", [m.header, m.parent_header, m.metadata, m.content].map((p) => JSON.stringify(p))))).toBe(true);
    expect(parseV1(framed)).toEqual(m);
  });

  test("a kernel's message reads back whole, non-ASCII text and escapes included", () => {
    const header = { msg_id: "m-1", msg_type: "stream", session: "k", username: "u", date: "2026-12-07T04:00:00.123456Z", version: "5.3" };
    const frame = pythonLayout("iopub", [JSON.stringify(header), '{"msg_id":"req-1"}', "{}", '{"name":"stdout","text":"naïve \\u2713 a\\u0000b x\\ud800y\\n"}']);
    const m = parseV1(frame)!;
    expect(m.channel).toBe("iopub");
    expect(m.header).toEqual(header);
    expect(m.parent_header.msg_id).toBe("req-1");
    expect(m.content.text).toBe("naïve ✓ a\u0000b x\ud800y\n");
  });

  test("a message with binary buffers is not taken for JSON (Kiln records none, as it never did); broken frames are null, never a throw", () => {
    const parts = ['{"msg_id":"m","msg_type":"comm_msg"}', "{}", "{}", '{"data":{}}'];
    expect(parseV1(pythonLayout("iopub", [...parts, "\u0000\u0001binary"]))).toBeNull();
    const good = pythonLayout("iopub", parts);
    expect(parseV1(good)).not.toBeNull();
    expect(parseV1(good.subarray(0, 40))).toBeNull(); // cut inside its offsets
    expect(parseV1(good.subarray(0, good.length - 3))).toBeNull(); // cut inside its content
    expect(parseV1(Buffer.from('{"header":{}}'))).toBeNull(); // a JSON frame
    expect(parseV1(Buffer.alloc(0))).toBeNull();
    const swapped = Buffer.from(good);
    swapped.writeBigUInt64LE(BigInt(good.length + 100), 8 * 6); // an offset past the end
    expect(parseV1(swapped)).toBeNull();
  });
});

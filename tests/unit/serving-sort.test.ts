import { type ChildProcess, fork } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deliver, opensWithServing, ownHandling, sorter } from "../../lib/serving/process/sniff";

/**
 * The sorting of Kiln's connections by their first request line, with a real second process
 * taking the handed-over ones (as the serving process does): no byte may be lost or reordered
 * on the way, however the client writes them.
 */
const CHILD = `
import http from "node:http";
const server = http.createServer((req, res) => {
  let n = 0;
  req.on("data", (d) => (n += d.length));
  req.on("end", () => res.end("other process: " + req.method + " " + req.url + " " + n + " bytes"));
});
process.on("message", (m, socket) => {
  if (m?.kiln !== "connection" || !socket) return;
  socket.unshift(Buffer.from(m.head, "base64"));
  server.emit("connection", socket);
  socket.resume();
});
process.send("ready");
`;

let child: ChildProcess;
let server: http.Server;
let front: net.Server;
let port = 0;
let takeThem = true;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-sort-"));
  fs.writeFileSync(path.join(dir, "child.mjs"), CHILD);
  child = fork(path.join(dir, "child.mjs"), [], { execArgv: [], stdio: "inherit" });
  await new Promise((r) => child.once("message", r));
  fs.rmSync(dir, { recursive: true, force: true }); // loaded: the file is not needed any more
  server = http.createServer((req, res) => {
    let n = 0;
    req.on("data", (d: Buffer) => (n += d.length));
    req.on("end", () => res.end(`this process: ${req.method} ${req.url} ${n} bytes`));
  });
  const own = ownHandling(server);
  // the port's listener sorts; this process's HTTP server gets the rest, with the bytes read
  front = net.createServer(
    { pauseOnConnect: true },
    sorter(
      (socket, head) => {
        if (!takeThem) return false;
        child.send({ kiln: "connection", head: head.toString("base64") }, socket);
        return true;
      },
      (socket, head) => deliver(own, socket, head),
    ),
  );
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  port = (front.address() as net.AddressInfo).port;
});
afterAll(() => {
  child?.kill();
  front?.close();
  server?.close();
});

/** Writes `parts` with a pause between them; answers everything read until the peer closes. */
function raw(parts: (string | Buffer)[], gapMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    let text = "";
    s.on("data", (d) => (text += d.toString("latin1")));
    s.on("end", () => resolve(text));
    s.on("error", reject);
    s.on("connect", async () => {
      for (const p of parts) {
        s.write(p);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}
const bodies = (text: string) => [...text.matchAll(/(?:this|other) process: [^\r\n]*?bytes/g)].map((m) => m[0]);

describe("connections sorted by their first request", () => {
  test("the first line decides, and a line still too short waits for more", () => {
    expect(opensWithServing(Buffer.from("POST /serve/m/predict HTTP/1.1\r\n"))).toBe(true);
    expect(opensWithServing(Buffer.from("GET /v2 HTTP/1.1\r\n"))).toBe(true);
    expect(opensWithServing(Buffer.from("GET /v2/models/m/ready HTTP/1.1\r\n"))).toBe(true);
    expect(opensWithServing(Buffer.from("GET /v2?x HTTP/1.1\r\n"))).toBe(true);
    expect(opensWithServing(Buffer.from("GET /v2x HTTP/1.1\r\n"))).toBe(false);
    expect(opensWithServing(Buffer.from("GET /server HTTP/1.1\r\n"))).toBe(false);
    expect(opensWithServing(Buffer.from("GET /api/endpoints HTTP/1.1\r\n"))).toBe(false);
    expect(opensWithServing(Buffer.from("PRI * HTTP/2.0\r\n"))).toBe(false);
    for (const partial of ["", "P", "POST", "POST ", "POST /", "POST /se", "POST /serve", "GET /v", "GET /v2"]) expect(opensWithServing(Buffer.from(partial))).toBeUndefined();
  });

  test("a connection opening with a model request is answered by the other process, whole", async () => {
    const body = "x".repeat(1 << 20); // far more than one read: none of it may stay behind
    const text = await raw([`POST /serve/m/predict HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`, "GET /api/next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"]);
    expect(bodies(text)).toEqual([`other process: POST /serve/m/predict ${body.length} bytes`, "other process: GET /api/next 0 bytes"]);
  });

  test("a request line written a byte at a time is still sorted, and pipelined requests keep their order", async () => {
    const first = "POST /serve/m/predict HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}";
    const text = await raw([...first.slice(0, 14).split(""), first.slice(14) + "GET /v2/health/ready HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"], 5);
    expect(bodies(text)).toEqual(["other process: POST /serve/m/predict 2 bytes", "other process: GET /v2/health/ready 0 bytes"]);
  });

  test("anything else stays here, bytes read to decide included", async () => {
    const text = await raw(["GET /api/endpoints HTTP/1.1\r\nHost: a\r\n\r\n", "POST /serve/m/predict HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"]);
    expect(bodies(text)).toEqual(["this process: GET /api/endpoints 0 bytes", "this process: POST /serve/m/predict 0 bytes"]);
    expect(bodies(await raw(["G", "ET /v2x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"], 5))).toEqual(["this process: GET /v2x 0 bytes"]);
  });

  test("a kept-alive connection goes on answering, request after request, on either side", async () => {
    /** GETs on one kept-alive connection: "new" or "again" (the connection reused), then the answer. */
    const oneConnection = () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = (p: string) =>
        new Promise<string>((resolve, reject) => {
          const req = http.get({ host: "127.0.0.1", port, path: p, agent }, (res) => {
            let t = "";
            res.setEncoding("utf8").on("data", (d: string) => (t += d)).on("end", () => resolve(`${req.reusedSocket ? "again" : "new"}: ${t}`));
          });
          req.on("error", reject);
        });
      return { get, close: () => agent.destroy() };
    };
    const here = oneConnection();
    try {
      expect(await here.get("/api/a")).toBe("new: this process: GET /api/a 0 bytes");
      for (const p of ["/serve/m/predict", "/api/b", "/api/c"]) expect(await here.get(p)).toBe(`again: this process: GET ${p} 0 bytes`);
    } finally {
      here.close();
    }
    const there = oneConnection();
    try {
      expect(await there.get("/serve/m/predict")).toBe("new: other process: GET /serve/m/predict 0 bytes");
      for (const p of ["/api/a", "/serve/m/predict", "/v2/models/m"]) expect(await there.get(p)).toBe(`again: other process: GET ${p} 0 bytes`);
    } finally {
      there.close();
    }
  });

  test("when the other process does not take it, this one answers", async () => {
    takeThem = false;
    try {
      expect(bodies(await raw(["POST /serve/m/predict HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"]))).toEqual(["this process: POST /serve/m/predict 2 bytes"]);
    } finally {
      takeThem = true;
    }
  });
});

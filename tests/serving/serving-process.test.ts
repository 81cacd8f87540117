import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, expect, test } from "vitest";
import net from "node:net";
import { freePort, type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// Kiln's serving process (lib/serving/process): its own process, under Kiln's, at the
// niceness the operator asked for; when it dies Kiln starts another and model requests are
// answered again, while Kiln's own pages and API never stopped.
let kiln: RunningKiln;
let servingPort = 0;
const adminToken = randomToken();

/** Kiln's child processes that run lib/serving/process/child.ts. */
function servingPids(): number[] {
  const pid = kiln.proc.pid!;
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number))
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes("serving/process/child");
      } catch {
        return false; // gone meanwhile
      }
    });
}
/** A GET on a connection of its own (none kept from before): its status, 0 if it failed. */
const freshGet = (path: string) =>
  new Promise<number>((resolve) => http.get(`${kiln.url}${path}`, { agent: false }, (r) => r.resume().on("end", () => resolve(r.statusCode ?? 0))).on("error", () => resolve(0)));
/** How many fds to `port`'s listening socket each of `pids` holds (from /proc; 0 for one gone). */
function listenerFds(port: number, pids: number[]): number[] {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = ["tcp", "tcp6"].flatMap((f) =>
    fs.readFileSync(`/proc/net/${f}`, "utf8").split("\n").slice(1).map((l) => l.trim().split(/\s+/)).filter((c) => c[1]?.endsWith(`:${hex}`) && c[3] === "0A").map((c) => `socket:[${c[9]}]`),
  );
  const link = (pid: number, fd: string) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return ""; // closed meanwhile
    }
  };
  return pids.map((pid) => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => inodes.includes(link(pid, fd))).length;
    } catch {
      return 0;
    }
  });
}
/** The processes among `pids` that hold `port`'s listening socket. */
const listenerHolders = (port: number, pids: number[]) => {
  const fds = listenerFds(port, pids);
  return pids.filter((_, i) => fds[i]! > 0);
};
const niceOf = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]);

beforeAll(async () => {
  servingPort = await freePort();
  kiln = await startKiln({ env: { KILN_DATA_DIR: tempDir("serving-process"), KILN_ADMIN_TOKEN: adminToken, KILN_SERVING_NICE: "7", KILN_SERVING_PORT: String(servingPort), KILN_SERVING_PROCESSES: "2" } });
}, 120_000);
afterAll(async () => {
  await kiln?.stop();
});

test("models are answered by KILN_SERVING_PROCESSES processes of Kiln's own, at KILN_SERVING_NICE; one killed, the other answers and it is replaced", async () => {
  const [first, second, ...more] = servingPids();
  expect(first).toBeDefined();
  expect(second).toBeDefined();
  expect(more).toEqual([]);
  expect(niceOf(first!)).toBe(7);
  expect(niceOf(second!)).toBe(7);
  expect(niceOf(kiln.proc.pid!)).toBe(0); // Kiln itself keeps its priority
  const ready = () => freshGet("/v2/health/ready");
  expect(await ready()).toBe(200);
  const missing = await fetch(`${kiln.url}/serve/nothing-here/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(missing.status).toBe(404);
  expect((await missing.json()).error.message).toMatch(/No such endpoint: nothing-here/);

  process.kill(first!, "SIGKILL"); // the connections it held die with it: their clients reconnect
  expect(await freshGet("/api/health")).toBe(200); // Kiln's own answers never stopped
  // once Kiln has seen it go, every new connection goes to the one left, until the new one is up
  for (const deadline = Date.now() + 30_000; !/the serving process stopped; starting another/.test(kiln.output()) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
  const answered = await Promise.all(Array.from({ length: 6 }, ready));
  let replaced: number | undefined;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    replaced = servingPids().find((p) => p !== first && p !== second);
    if (replaced && niceOf(replaced) === 7 && (await ready()) === 200) break; // (its niceness is set as it starts)
  }
  expect(answered).toEqual([200, 200, 200, 200, 200, 200]);
  expect(replaced).toBeDefined();
  expect(servingPids().sort()).toEqual([second!, replaced!].sort());
  expect(await ready()).toBe(200);
  expect(niceOf(replaced!)).toBe(7);
  expect(kiln.output()).toMatch(/the serving process stopped; starting another/);
}, 60_000);

test("KILN_SERVING_PORT answers models and nothing else, accepted by the serving processes themselves (one started again included); a port that cannot be had (it or Kiln's own) stops Kiln at start-up, naming it", async () => {
  const on = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${servingPort}${path}`, init);
  expect((await on("/v2/health/ready")).status).toBe(200);
  // its listening socket is held by each serving process (the one that replaced a killed one too) and not by Kiln's main process
  const serving = servingPids();
  expect(serving).toHaveLength(2);
  for (const deadline = Date.now() + 30_000; listenerHolders(servingPort, serving).length < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
  expect(listenerFds(servingPort, serving)).toEqual([1, 1]); // one copy each: the one that stayed was not given it again
  expect(listenerFds(servingPort, [kiln.proc.pid!])).toEqual([1]); // Kiln keeps one, accepting nothing (next test)
  const fresh = () => new Promise<number>((resolve) => http.get(`http://127.0.0.1:${servingPort}/v2/health/ready`, { agent: false }, (r) => r.resume().on("end", () => resolve(r.statusCode ?? 0))).on("error", () => resolve(0)));
  expect(await Promise.all(Array.from({ length: 20 }, fresh))).toEqual(Array(20).fill(200));
  const missing = await on("/serve/nothing-here/predict", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(missing.status).toBe(404);
  expect((await missing.json()).error.message).toMatch(/No such endpoint: nothing-here/);
  for (const path of ["/api/health", "/signin", "/user/x/api/kernels"]) {
    const r = await on(path);
    expect(r.status).toBe(404);
    expect((await r.json()).error.message).toMatch(/serves models only/);
  }
  // a port someone else holds
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
  try {
    const taken = (holder.address() as net.AddressInfo).port;
    // its own temporary folder: what it leaves there (its serving sockets' folder) is seen
    const tmp = tempDir("serving-port-taken-tmp");
    const failed = await startKiln({ env: { KILN_DATA_DIR: tempDir("serving-port-taken"), KILN_SERVING_PORT: String(taken), TMPDIR: tmp }, waitMs: 60_000 }).then(
      async (k) => (await k.stop(), null),
      (e: Error) => e.message,
    );
    expect(failed).toMatch(new RegExp(`kiln: KILN_SERVING_PORT ${taken}: listen EADDRINUSE`));
    expect(fs.readdirSync(tmp).filter((n) => n.startsWith("kiln-serving-"))).toEqual([]);
    // Kiln's own port taken (the holder drops each connection, so the health check fails fast)
    holder.on("connection", (socket) => socket.destroy());
    const ownTaken = await startKiln({ env: { KILN_DATA_DIR: tempDir("kiln-port-taken"), PORT: String(taken) }, waitMs: 60_000 }).then(
      async (k) => (await k.stop(), null),
      (e: Error) => e.message,
    );
    expect(ownTaken).toMatch(new RegExp(`kiln: PORT ${taken}: listen EADDRINUSE`));
  } finally {
    holder.close();
  }
}, 120_000);

/** Connections Kiln's main process accepted itself and handed to a serving process, so far. */
async function handedByKiln(): Promise<number> {
  const text = await (await fetch(`${kiln.url}/metrics`, { headers: { authorization: `token ${adminToken}` } })).text();
  return Number(/^kiln_serving_connections_total (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}

test("Kiln's own port is accepted on by the serving processes: a model client's connections never pass through the main process, pages and API are handed to it whole; with no serving process left, Kiln accepts itself and no connection is refused", async () => {
  const serving = servingPids();
  expect(serving).toHaveLength(2);
  for (const deadline = Date.now() + 30_000; listenerHolders(kiln.port, serving).length < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
  expect(listenerFds(kiln.port, [kiln.proc.pid!, ...serving])).toEqual([1, 1, 1]); // Kiln's copy keeps the port open should they all go

  const before = await handedByKiln();
  expect(before).not.toBeNaN();
  const models = await Promise.all(Array.from({ length: 20 }, () => freshGet("/v2/health/ready")));
  expect(models).toEqual(Array(20).fill(200));
  expect(await handedByKiln()).toBe(before); // the serving processes accepted every one of them
  // the rest reaches Kiln on each fresh connection: its API, its pages, a page's redirect
  const kilnOwn = await Promise.all(Array.from({ length: 10 }, (_, i) => freshGet(["/api/health", "/signin", "/api/openapi.json"][i % 3]!)));
  expect(kilnOwn).toEqual(Array(10).fill(200));
  const page = await fetch(`${kiln.url}/signin`);
  expect(await page.text()).toMatch(/<html/i);

  // every serving process killed at once: Kiln accepts on its own copy while they start again
  for (const pid of serving) process.kill(pid, "SIGKILL");
  const during: number[] = [];
  for (let i = 0; i < 20; i++) during.push(await freshGet("/api/health"));
  expect(during).toEqual(Array(20).fill(200));
  let back: number[] = [];
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    back = servingPids().filter((p) => !serving.includes(p));
    if (back.length === 2 && listenerHolders(kiln.port, back).length === 2) break;
  }
  expect(back).toHaveLength(2);
  expect(listenerFds(kiln.port, [kiln.proc.pid!, ...back])).toEqual([1, 1, 1]); // and it gave the port back to them
  const handed = await handedByKiln();
  expect(await Promise.all(Array.from({ length: 10 }, () => freshGet("/v2/health/ready")))).toEqual(Array(10).fill(200));
  expect(await handedByKiln()).toBe(handed);
  expect(await freshGet("/api/health")).toBe(200);
}, 120_000);

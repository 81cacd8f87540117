import fs from "node:fs";
import http from "node:http";
import postgres from "postgres";
import { afterAll, beforeAll, expect, test } from "vitest";
import { call } from "../helpers/http";
import { type RunningKiln, startKiln, tempDir } from "../helpers/kiln";
import { createTempDatabase, dropDatabase } from "../helpers/pg";

// A Kiln of its own (PostgreSQL): its memory is measured, and its log read.
let kiln: RunningKiln;
let db: { name: string; url: string };
beforeAll(async () => {
  db = await createTempDatabase("limits");
  kiln = await startKiln({ env: { DATABASE_URL: db.url, KILN_DATA_DIR: tempDir("limits"), LOG_LEVEL: "info" } });
});
afterAll(async () => {
  await kiln?.stop();
  if (db) await dropDatabase(db.name);
});

const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${kiln.proc.pid}/status`, "utf8"))![1]) / 1024;

/**
 * Uploads up to `total` bytes as a client like curl does: it keeps sending until the answer
 * comes. Returns the status, what was sent by then, and the server's largest RSS meanwhile.
 */
function upload(path: string, total: number, chunked: boolean): Promise<{ status: number; sentMb: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!chunked) headers["content-length"] = String(total);
    const req = http.request(`${kiln.url}${path}`, { method: "POST", headers });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let answered = false;
    let peak = rssMb();
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 5);
    const finish = (status: number) => {
      clearInterval(sampler);
      resolve({ status, sentMb: sent / 2 ** 20, peakRssMb: Math.max(peak, rssMb()) });
    };
    req.on("response", (res) => {
      answered = true;
      res.resume();
      res.on("end", () => finish(res.statusCode!));
    });
    req.on("error", (e) => (answered ? undefined : (clearInterval(sampler), reject(e))));
    const write = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

test.each([
  ["sign-up", "with Content-Length", "/api/auth/signup", false, 413],
  ["sign-up", "chunked", "/api/auth/signup", true, 413],
  // next-auth's forms, served by Next, which would read a body whole: a declared length only
  ["sign-in", "with Content-Length", "/api/auth/callback/credentials", false, 413],
  ["sign-in", "chunked", "/api/auth/callback/credentials", true, 411],
] as const)("a 200 MB %s body (%s) is refused before Kiln's memory grows by 50 MB", async (_, __, path, chunked, status) => {
  // The same refusal once, small: what the first time allocates (code compiled, buffers) is not the body.
  await upload(path, 2 * 2 ** 20, chunked);
  const before = rssMb();
  const r = await upload(path, 200 * 2 ** 20, chunked);
  expect(r.status).toBe(status);
  // A body read whole would add 200 MB; the margin is for what a busy process's RSS does
  // anyway (heap growth, JIT): 20 MB was exceeded once (22.6) with nothing read.
  expect(r.peakRssMb - before).toBeLessThan(50);
  expect(r.sentMb).toBeLessThan(200); // answered while the body was still coming
  // the server is unharmed and the next request is served
  expect((await call(kiln.url, "GET", "/api/health")).status).toBe(200);
}, 120_000);

test("a sign-up whose INSERT fails is a 500 whose log line holds the SQL, not the email or the password hash", async () => {
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create function refuse_signups() returns trigger language plpgsql as $$ begin raise exception 'sign-ups refused by the test'; end $$`);
    await sql.unsafe("create trigger refuse_signups before insert on users for each row execute function refuse_signups()");
    const email = "dora.private@example.org";
    const r = await call(kiln.url, "POST", "/api/auth/signup", { body: { email, password: "correct horse battery staple" } });
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain("refused by the test");
    const deadline = Date.now() + 10_000; // the log line is written as the answer goes out
    while (!kiln.output().includes("sign-ups refused by the test") && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    const log = kiln.output();
    expect(log).toContain("sign-ups refused by the test");
    expect(log).toMatch(/insert into \\?"users\\?"/);
    expect(log).not.toContain(email);
    expect(log).not.toContain("dora.private");
    expect(log).not.toContain("scrypt$");
  } finally {
    await sql.unsafe("drop trigger if exists refuse_signups on users").catch(() => {});
    await sql.end();
  }
}, 60_000);

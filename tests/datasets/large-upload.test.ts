import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";

// The dedup acceptance through the HTTP API: content-defined chunks make a small change to a
// large file cost little to store as a new version.
const s = inject("servers")[1] ?? inject("servers")[0]!;
const MB = 1024 * 1024;

function storeBytes(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else total += fs.statSync(p).size;
    }
  };
  walk(dir);
  return total;
}

async function uploadVersion(token: string, bytes: Buffer) {
  const up = await call(s.url, "POST", "/api/datasets/big/uploads", { token, body: {} });
  const put = await fetch(`${s.url}/api/datasets/big/uploads/${up.body.upload_id}/files/data.bin`, {
    method: "PUT", headers: { authorization: `token ${token}`, "content-type": "application/octet-stream" }, body: new Uint8Array(bytes),
  });
  expect(put.status).toBe(200);
  expect((await put.json()).sha256).toBe(crypto.createHash("sha256").update(bytes).digest("hex"));
  const done = await call(s.url, "POST", `/api/datasets/big/uploads/${up.body.upload_id}/commit`, { token, body: {} });
  expect(done.status).toBe(201);
  return done.body.version as number;
}

test("a 100 MB file, then the same file with 1 MB changed in the middle: the second version grows the store by less than 5 MB", async () => {
  const alice = await makeUser(s, "big");
  // deterministic pseudo-random bytes (incompressible, like real data)
  const big = Buffer.alloc(100 * MB);
  for (let off = 0, i = 0; off < big.length; off += 32, i++) crypto.createHash("sha256").update(`kiln-${i}`).digest().copy(big, off);
  const blobs = path.join(s.dataDir!, "blobs");
  const before = storeBytes(blobs);
  expect(await uploadVersion(alice.token, big)).toBe(1);
  const afterV1 = storeBytes(blobs);
  expect(afterV1 - before).toBeGreaterThan(99 * MB); // really stored, once
  const changed = Buffer.from(big);
  crypto.randomBytes(MB).copy(changed, 50 * MB);
  expect(await uploadVersion(alice.token, changed)).toBe(2);
  const grew = storeBytes(blobs) - afterV1;
  expect(grew).toBeLessThan(5 * MB);
  // and the new version reads back exactly
  const back = await fetch(`${s.url}/api/datasets/big/versions/2/files/data.bin`, { headers: { authorization: `token ${alice.token}` } });
  expect(crypto.createHash("sha256").update(Buffer.from(await back.arrayBuffer())).digest("hex")).toBe(crypto.createHash("sha256").update(changed).digest("hex"));
}, 120_000);

import http from "node:http";
import { describe, expect, inject, test } from "vitest";
import { type ApiResponse, call, makeUser } from "../helpers/http";
import { uniq } from "../helpers/kiln";

/** A small iris-like table (CRLF, as RFC 4180 writes it): `n` rows, every `nullEvery`-th petal_width empty. */
function irisCsv(n: number, { nullEvery = 0, seed = 1 } = {}): string {
  const species = ["setosa", "versicolor", '"Iris ""virginica"""'];
  const lines = ["sepal_length,sepal_width,petal_length,petal_width,species"];
  for (let i = 0; i < n; i++) {
    const x = (k: number) => (((i * 7 + k * 13 + seed) % 40) / 10 + k).toFixed(1);
    lines.push(`${x(4)},${x(2)},${x(1)},${nullEvery && i % nullEvery === 0 ? "" : x(0)},${species[i % 3]}`);
  }
  return lines.join("\r\n") + "\r\n";
}

const seg = (ref: string) => encodeURIComponent(ref);
const filePath = (p: string) => p.split("/").map(encodeURIComponent).join("/");

/** start -> PUT each file -> commit, as the kiln module does. */
async function uploadVersion(base: string, token: string, ref: string, files: Record<string, string>, body: object = {}): Promise<ApiResponse> {
  const started = await call(base, "POST", `/api/datasets/${seg(ref)}/uploads`, { token, body });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const id = started.body.upload_id;
  for (const [path, content] of Object.entries(files)) {
    const put = await call(base, "PUT", `/api/datasets/${seg(ref)}/uploads/${id}/files/${filePath(path)}`, { token, rawBody: content });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  return call(base, "POST", `/api/datasets/${seg(ref)}/uploads/${id}/commit`, { token });
}

/** Sends the headers and part of a body announced longer, then drops the connection. */
function cutOffPut(base: string, path: string, token: string, announced: number, sent: number): Promise<void> {
  const u = new URL(base + path);
  return new Promise((resolve) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: "PUT", headers: { authorization: `token ${token}`, "content-length": String(announced) } });
    req.on("error", () => resolve());
    req.write(Buffer.alloc(sent, "a,b\n"), () => setTimeout(() => (req.destroy(), resolve()), 200));
  });
}

describe.each(inject("servers"))("datasets API on $backend", (s) => {
  test("upload iris.csv -> v1 with rows counted; a second upload -> v2; the diff shows the changed file with row counts", async () => {
    const alice = await makeUser(s, "dsalice");
    const v1 = await uploadVersion(s.url, alice.token, "iris", { "iris.csv": irisCsv(30), "README.md": "# iris\n" }, { message: "first" });
    expect(v1.status, JSON.stringify(v1.body)).toBe(201);
    expect(v1.body).toMatchObject({ dataset: "iris", owner: alice.name, version: 1, checks_status: "none", checks: { status: "none" }, message: "first", created_by: alice.name });
    expect(v1.body.files).toEqual([
      { path: "README.md", size: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { path: "iris.csv", size: irisCsv(30).length, sha256: expect.any(String), rows: 30 },
    ]);

    const v2 = await uploadVersion(s.url, alice.token, "iris", { "iris.csv": irisCsv(45, { seed: 2 }), "README.md": "# iris\n", "extra/notes.txt": "more" });
    expect(v2.body.version).toBe(2);
    const diff = await call(s.url, "GET", "/api/datasets/iris/diff?from=1&to=2", { token: alice.token });
    expect(diff.status).toBe(200);
    expect(diff.body).toEqual({
      added: ["extra/notes.txt"], removed: [], unchanged: 1,
      changed: [{ path: "iris.csv", size_from: irisCsv(30).length, size_to: irisCsv(45, { seed: 2 }).length, rows_from: 30, rows_to: 45 }],
    });

    const ds = await call(s.url, "GET", "/api/datasets/iris", { token: alice.token });
    expect(ds.body).toMatchObject({ name: "iris", owner: alice.name, latest_version: 2 });
    expect(ds.body.versions.map((v: { version: number; files: number }) => [v.version, v.files])).toEqual([[2, 3], [1, 2]]);
    const file = await call(s.url, "GET", "/api/datasets/iris/versions/1/files/iris.csv", { token: alice.token });
    expect(file.status).toBe(200);
    expect(file.body).toBe(irisCsv(30));
    expect((await call(s.url, "GET", "/api/datasets/iris/versions/3", { token: alice.token })).status).toBe(404);
    const lineage = await call(s.url, "GET", "/api/datasets/iris/lineage", { token: alice.token });
    expect(lineage.body.nodes.map((n: { label: string }) => n.label)).toEqual(["iris v1", "iris v2"]);
    const listed = await call(s.url, "GET", "/api/datasets", { token: alice.token });
    expect(listed.body.datasets.map((d: { name: string }) => d.name)).toEqual(["iris"]);
  });

  test("a file path with '..', a leading '/', '\\' or an empty segment is 400 naming path, and nothing is stored", async () => {
    const alice = await makeUser(s, "dspath");
    const started = await call(s.url, "POST", "/api/datasets/raw/uploads", { token: alice.token, body: {} });
    const base = `/api/datasets/raw/uploads/${started.body.upload_id}/files/`;
    for (const bad of ["..%2Fescape.csv", "a/..%2F..%2Fb.csv", "%2Fetc%2Fpasswd", "a%5Cb.csv", "a//b.csv", "a%00b"]) {
      const r = await call(s.url, "PUT", base + bad, { token: alice.token, rawBody: "x,y\n1,2\n" });
      expect(r.status, bad).toBe(400);
      expect(r.body.error.field, bad).toBe("path");
    }
    const commit = await call(s.url, "POST", `/api/datasets/raw/uploads/${started.body.upload_id}/commit`, { token: alice.token });
    expect(commit.status).toBe(400);
    expect(commit.body.error.field).toBe("files");
    expect((await call(s.url, "GET", "/api/datasets/raw", { token: alice.token })).body.versions).toEqual([]);
  });

  test("a PUT cut off half-way leaves no file: committing that upload is 400 and no version appears", async () => {
    const alice = await makeUser(s, "dscut");
    const started = await call(s.url, "POST", "/api/datasets/cut/uploads", { token: alice.token, body: {} });
    const upload = `/api/datasets/cut/uploads/${started.body.upload_id}`;
    await cutOffPut(s.url, `${upload}/files/big.csv`, alice.token, 1_200_000, 600_000);
    await new Promise((r) => setTimeout(r, 300)); // the server sees the socket close
    const commit = await call(s.url, "POST", `${upload}/commit`, { token: alice.token });
    expect(commit.status).toBe(400);
    expect((await call(s.url, "GET", "/api/datasets/cut", { token: alice.token })).body.versions).toEqual([]);
    // the upload itself is still usable: a complete file commits alone
    expect((await call(s.url, "PUT", `${upload}/files/small.csv`, { token: alice.token, rawBody: "a\n1\n" })).status).toBe(200);
    const v1 = await call(s.url, "POST", `${upload}/commit`, { token: alice.token });
    expect(v1.status).toBe(201);
    expect(v1.body.files.map((f: { path: string }) => f.path)).toEqual(["small.csv"]);
  });

  test("a version failing a declared null-ratio check is failed, with the reason; the upload's own checks count too", async () => {
    const alice = await makeUser(s, "dscheck");
    const created = await call(s.url, "POST", "/api/datasets", { token: alice.token, body: { name: "gated", checks: { null_ratio: { petal_width: 0.05 } } } });
    expect(created.status).toBe(201);
    const bad = await call(s.url, "POST", "/api/datasets", { token: alice.token, body: { name: "x", checks: { null_ratio: { a: 2 } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("checks.null_ratio.a");

    const failed = await uploadVersion(s.url, alice.token, "gated", { "iris.csv": irisCsv(50, { nullEvery: 9 }) });
    expect(failed.status).toBe(201);
    expect(failed.body.checks_status).toBe("failed");
    expect(failed.body.check_results).toEqual([{ check: "null_ratio.petal_width", passed: false, detail: "null ratio of petal_width is 0.12 > 0.05" }]);
    const clean = await uploadVersion(s.url, alice.token, "gated", { "iris.csv": irisCsv(50) }, { checks: { columns: { species: "string", sepal_length: "float" } } });
    expect(clean.body.checks_status).toBe("passed");
    expect(clean.body.check_results.map((r: { check: string }) => r.check)).toEqual(["columns.species", "columns.sepal_length", "null_ratio.petal_width"]);
    const rows = await uploadVersion(s.url, alice.token, "gated", { "iris.csv": irisCsv(50) }, { checks: { rows: [1, 10] } });
    expect(rows.body.check_results.find((r: { check: string }) => r.check === "rows")).toEqual({ check: "rows", passed: false, detail: "50 rows, outside [1, 10]" });

    const ds = await call(s.url, "GET", "/api/datasets/gated", { token: alice.token });
    expect(ds.body.versions.map((v: { checks_status: string }) => v.checks_status)).toEqual(["failed", "passed", "failed"]);
    const detail = await call(s.url, "GET", "/api/datasets/gated/versions/1", { token: alice.token });
    expect(detail.body.check_results[0].detail).toBe("null ratio of petal_width is 0.12 > 0.05");
  });

  test("bob cannot see alice's dataset until it is shared with his group (then read-only), public opens it to all, admins see all", async () => {
    const alice = await makeUser(s, "dsown");
    const bob = await makeUser(s, "dsbob");
    const carol = await makeUser(s, "dscarol");
    await uploadVersion(s.url, alice.token, "iris", { "iris.csv": irisCsv(10) });
    const ref = seg(`${alice.name}:iris`);
    const reads = [`/api/datasets/${ref}`, `/api/datasets/${ref}/versions/1`, `/api/datasets/${ref}/versions/1/files/iris.csv`, `/api/datasets/${ref}/diff?from=1&to=1`, `/api/datasets/${ref}/lineage`];
    const names = async (token: string) => (await call(s.url, "GET", "/api/datasets", { token })).body.datasets.map((d: { owner: string; name: string }) => `${d.owner}:${d.name}`);
    for (const path of reads) expect((await call(s.url, "GET", path, { token: bob.token })).status, path).toBe(404);
    expect(await names(bob.token)).not.toContain(`${alice.name}:iris`);
    expect((await call(s.url, "PATCH", `/api/datasets/${ref}`, { token: bob.token, body: { public: true } })).status).toBe(404);

    const unknown = await call(s.url, "PATCH", "/api/datasets/iris", { token: alice.token, body: { shared_groups: [uniq("nogroup-")] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe("shared_groups");
    const group = uniq("dsteam-");
    expect((await call(s.url, "POST", `/hub/api/groups/${group}`, { token: s.adminToken, body: { users: [bob.name] } })).status).toBe(201);
    const shared = await call(s.url, "PATCH", "/api/datasets/iris", { token: alice.token, body: { shared_groups: [group], description: "the classic" } });
    expect(shared.body).toMatchObject({ shared_groups: [group], description: "the classic", public: false });

    for (const path of reads) expect((await call(s.url, "GET", path, { token: bob.token })).status, path).toBe(200);
    expect((await call(s.url, "GET", `/api/datasets/${ref}/versions/1/files/iris.csv`, { token: bob.token })).body).toBe(irisCsv(10));
    expect(await names(bob.token)).toContain(`${alice.name}:iris`);
    expect((await call(s.url, "PATCH", `/api/datasets/${ref}`, { token: bob.token, body: { description: "mine now" } })).status).toBe(403);
    expect((await call(s.url, "POST", `/api/datasets/${ref}/uploads`, { token: bob.token, body: {} })).status).toBe(403);
    expect((await call(s.url, "GET", `/api/datasets/${ref}`, { token: carol.token })).status).toBe(404);

    await call(s.url, "PATCH", "/api/datasets/iris", { token: alice.token, body: { public: true } });
    expect((await call(s.url, "GET", `/api/datasets/${ref}/versions/1/files/iris.csv`, { token: carol.token })).status).toBe(200);
    expect(await names(carol.token)).toContain(`${alice.name}:iris`);

    await uploadVersion(s.url, alice.token, "private", { "a.txt": "secret" });
    expect(await names(s.adminToken)).toEqual(expect.arrayContaining([`${alice.name}:iris`, `${alice.name}:private`]));
    expect((await call(s.url, "GET", `/api/datasets/${seg(`${alice.name}:private`)}/versions/1/files/a.txt`, { token: s.adminToken })).body).toBe("secret");
  });

  test("concurrent commits get distinct version numbers", async () => {
    const alice = await makeUser(s, "dsrace");
    const uploads: string[] = [];
    for (let i = 0; i < 5; i++) {
      const started = await call(s.url, "POST", "/api/datasets/race/uploads", { token: alice.token, body: {} });
      await call(s.url, "PUT", `/api/datasets/race/uploads/${started.body.upload_id}/files/f.txt`, { token: alice.token, rawBody: `v${i}` });
      uploads.push(started.body.upload_id);
    }
    const commits = await Promise.all(uploads.map((id) => call(s.url, "POST", `/api/datasets/race/uploads/${id}/commit`, { token: alice.token })));
    expect(commits.map((c) => c.status)).toEqual([201, 201, 201, 201, 201]);
    expect(commits.map((c) => c.body.version).sort()).toEqual([1, 2, 3, 4, 5]);
    // a committed upload is gone; an aborted one never shows
    expect((await call(s.url, "POST", `/api/datasets/race/uploads/${uploads[0]}/commit`, { token: alice.token })).status).toBe(404);
    const aborted = await call(s.url, "POST", "/api/datasets/race/uploads", { token: alice.token, body: {} });
    await call(s.url, "PUT", `/api/datasets/race/uploads/${aborted.body.upload_id}/files/g.txt`, { token: alice.token, rawBody: "g" });
    expect((await call(s.url, "DELETE", `/api/datasets/race/uploads/${aborted.body.upload_id}`, { token: alice.token })).status).toBe(204);
    expect((await call(s.url, "GET", "/api/datasets/race", { token: alice.token })).body.latest_version).toBe(5);
  });

  test("GET /api/kernel/datasets/{ref} needs the running cell's X-Kiln-Execution", async () => {
    const alice = await makeUser(s, "dskernel");
    await uploadVersion(s.url, alice.token, "iris", { "iris.csv": irisCsv(5) });
    const missing = await call(s.url, "GET", "/api/kernel/datasets/iris", { token: alice.token });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe("X-Kiln-Execution");
    const unknown = await call(s.url, "GET", "/api/kernel/datasets/iris", { token: alice.token, headers: { "x-kiln-execution": "not-a-running-cell" } });
    expect(unknown.status).toBe(404);
    const doc = await call(s.url, "GET", "/api/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/api/datasets/{ref}/uploads/{upload_id}/files/{path}", "/api/kernel/datasets/{ref}"]));
  });
});

import { afterAll, describe, expect, inject, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { uniq } from "../helpers/kiln";

const started: { url: string; user: string; token: string }[] = [];
afterAll(async () => {
  for (const s of started) await call(s.url, "DELETE", `/hub/api/users/${s.user}/server`, { token: s.token }).catch(() => {});
});

const spec = { reference: "kiln/python:latest", description: "test image", default_cpu: 0.5, default_memory_mb: 512, max_cpu: 1, max_memory_mb: 1024 };

describe.each(inject("servers"))("image catalog and the admin's server list on $backend", (s) => {
  test("the catalog is seeded from kernels/, admins add and disable images, users only start enabled ones", async () => {
    const u = await makeUser(s, "cat");
    started.push({ url: s.url, user: u.name, token: u.token });
    const seeded = await call(s.url, "GET", "/api/images", { token: u.token });
    expect(seeded.body.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(["python", "pytorch", "tensorflow"]));
    expect(seeded.body.find((i: { name: string }) => i.name === "python")).toMatchObject({ reference: "kiln/python:latest", enabled: true });

    const name = uniq("img-");
    expect((await call(s.url, "POST", `/api/images/${name}`, { token: u.token, body: spec })).status).toBe(403);
    expect((await call(s.url, "POST", `/api/images/${name}`, { token: s.adminToken, body: { ...spec, default_cpu: 4 } })).body.error.field).toBe("default_cpu");
    expect((await call(s.url, "POST", `/api/images/${name}`, { token: s.adminToken, body: spec })).status).toBe(201);
    expect((await call(s.url, "POST", `/api/images/${name}`, { token: s.adminToken, body: spec })).status).toBe(409);

    // the catalog's limits are what a start is checked against
    const over = await call(s.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: { image: name, cpu: 2 } });
    expect(over.status).toBe(400);
    expect(over.body.error.field).toBe("cpu");
    const ok = await call(s.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: { image: name } });
    expect(ok.status).toBe(201);
    expect(ok.body.user_options).toMatchObject({ image: name, cpu: 0.5, memory: 512 });
    expect((await call(s.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token })).status).toBe(204);

    expect((await call(s.url, "PATCH", `/api/images/${name}`, { token: s.adminToken, body: { enabled: false } })).body.enabled).toBe(false);
    expect((await call(s.url, "GET", "/api/images", { token: u.token })).body.some((i: { name: string }) => i.name === name)).toBe(false);
    expect((await call(s.url, "GET", "/api/images", { token: s.adminToken })).body.some((i: { name: string }) => i.name === name)).toBe(true);
    const disabled = await call(s.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: { image: name } });
    expect(disabled.status).toBe(400);
    expect(disabled.body.error.field).toBe("image");
  }, 120_000);

  test("GET /api/servers shows an admin every running server with its owner; others get 403", async () => {
    const u = await makeUser(s, "own");
    const other = await makeUser(s, "peek");
    started.push({ url: s.url, user: u.name, token: u.token });
    await startServer(s.url, u);
    const all = await call(s.url, "GET", "/api/servers", { token: s.adminToken });
    expect(all.body.find((x: { user: string }) => x.user === u.name)).toMatchObject({ name: "", ready: true, url: `/user/${u.name}/` });
    expect((await call(s.url, "GET", "/api/servers", { token: other.token })).status).toBe(403);
    // the admin stops it through the owner's path
    expect((await call(s.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: s.adminToken })).status).toBe(204);
  }, 120_000);
});

describe.each(inject("servers"))("a spawn that fails on $backend", (s) => {
  test("an image missing from the engine: the start is refused with the reason, nothing is left behind", async () => {
    const u = await makeUser(s, "fail");
    const name = uniq("gone-");
    await call(s.url, "POST", `/api/images/${name}`, { token: s.adminToken, body: { ...spec, reference: "kiln/does-not-exist:never" } });
    const r = await call(s.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: { image: name } });
    expect(r.status).toBe(422);
    expect(r.body.error.message).toMatch(/could not start.*(no such image|not found)/i);
    expect((await call(s.url, "GET", "/hub/api/user", { token: u.token })).body.servers).toEqual({});
    // the progress stream tells the same story to whoever follows it
    const events = await (await fetch(`${s.url}/hub/api/users/${u.name}/server/progress`, { headers: { authorization: `token ${u.token}` } })).text();
    expect(events).toMatch(/"failed":true/);
    // and a fresh start with a good image works right after
    await startServer(s.url, u);
    expect((await call(s.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token })).status).toBe(204);
  }, 60_000);
});

describe.each(inject("servers"))("catalog edits on $backend", (s) => {
  test("PATCH changes only the fields it names", async () => {
    const name = uniq("patch-");
    await call(s.url, "POST", `/api/images/${name}`, { token: s.adminToken, body: { ...spec, description: "keep me", max_gpus: 2 } });
    const r = await call(s.url, "PATCH", `/api/images/${name}`, { token: s.adminToken, body: { enabled: false } });
    expect(r.body).toMatchObject({ enabled: false, description: "keep me", max_gpus: 2, max_cpu: 1 });
    const r2 = await call(s.url, "PATCH", `/api/images/${name}`, { token: s.adminToken, body: { max_cpu: 2 } });
    expect(r2.body).toMatchObject({ enabled: false, description: "keep me", max_cpu: 2 });
  });
});

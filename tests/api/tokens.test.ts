import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";

describe.each(inject("servers"))("API tokens on $backend", (s) => {
  test("a user mints a token for themself; it is shown once and listed without its secret", async () => {
    const alice = await makeUser(s, "alice");
    const minted = await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, {
      token: alice.token,
      body: { note: "laptop \"quoted\" ✓", expires_in: 3600 },
    });
    expect(minted.status).toBe(201);
    expect(minted.body.token).toMatch(/^kiln_[A-Za-z0-9_-]{40,}$/);
    expect(minted.body.note).toBe("laptop \"quoted\" ✓");
    expect(Date.parse(minted.body.expires_at) - Date.now()).toBeGreaterThan(3500_000);
    const me = await call(s.url, "GET", "/hub/api/user", { token: minted.body.token });
    expect(me.body.name).toBe(alice.name);

    const list = await call(s.url, "GET", `/hub/api/users/${alice.name}/tokens`, { token: alice.token });
    expect(list.status).toBe(200);
    expect(list.body.api_tokens.map((t: { id: string }) => t.id)).toContain(minted.body.id);
    expect(JSON.stringify(list.body)).not.toContain(minted.body.token);
    const one = await call(s.url, "GET", `/hub/api/users/${alice.name}/tokens/${minted.body.id}`, { token: alice.token });
    expect(one.body).toMatchObject({ id: minted.body.id, prefix: minted.body.token.slice(0, 9) });
    expect(one.body.token).toBeUndefined();
  });

  test("a revoked token is 401", async () => {
    const alice = await makeUser(s, "alice");
    const t = await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, { token: alice.token, body: {} });
    expect((await call(s.url, "GET", "/hub/api/user", { token: t.body.token })).status).toBe(200);
    const del = await call(s.url, "DELETE", `/hub/api/users/${alice.name}/tokens/${t.body.id}`, { token: alice.token });
    expect(del.status).toBe(204);
    const after = await call(s.url, "GET", "/hub/api/user", { token: t.body.token });
    expect(after.status).toBe(401);
    expect((await call(s.url, "DELETE", `/hub/api/users/${alice.name}/tokens/${t.body.id}`, { token: alice.token })).status).toBe(404);
  });

  test("an expired token is 401", async () => {
    const alice = await makeUser(s, "alice");
    const t = await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, { token: alice.token, body: { expires_in: 1 } });
    expect(t.status).toBe(201);
    expect((await call(s.url, "GET", "/hub/api/user", { token: t.body.token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1300));
    const r = await call(s.url, "GET", "/hub/api/user", { token: t.body.token });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/expired/i);
  });

  test("bob can neither list, mint, read nor revoke alice's tokens; the admin token can", async () => {
    const alice = await makeUser(s, "alice");
    const bob = await makeUser(s, "bob");
    const t = await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, { token: alice.token, body: {} });
    for (const [method, path] of [
      ["GET", `/hub/api/users/${alice.name}/tokens`],
      ["POST", `/hub/api/users/${alice.name}/tokens`],
      ["GET", `/hub/api/users/${alice.name}/tokens/${t.body.id}`],
      ["DELETE", `/hub/api/users/${alice.name}/tokens/${t.body.id}`],
    ] as const) {
      expect((await call(s.url, method, path, { token: bob.token, body: method === "POST" ? {} : undefined })).status, `${method} ${path}`).toBe(403);
    }
    // bob's own path with alice's token id: not found, and alice's token still works
    expect((await call(s.url, "DELETE", `/hub/api/users/${bob.name}/tokens/${t.body.id}`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "GET", "/hub/api/user", { token: t.body.token })).status).toBe(200);
    expect((await call(s.url, "GET", `/hub/api/users/${alice.name}/tokens`, { token: s.adminToken })).status).toBe(200);
  });

  test("bad token requests get a 400 naming the field", async () => {
    const alice = await makeUser(s, "alice");
    const neg = await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, { token: alice.token, body: { expires_in: -5 } });
    expect(neg.status).toBe(400);
    expect(neg.body.error.field).toBe("expires_in");
    const id = await call(s.url, "GET", `/hub/api/users/${alice.name}/tokens/xyz`, { token: alice.token });
    expect(id.status).toBe(400);
    expect(id.body.error.field).toBe("token_id");
  });
});

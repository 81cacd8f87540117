import { afterAll, beforeAll, expect, test } from "vitest";
import { call, signIn } from "../helpers/http";
import { type RunningKiln, startKiln, tempDir } from "../helpers/kiln";

let kiln: RunningKiln;
beforeAll(async () => {
  kiln = await startKiln({ env: { KILN_DATA_DIR: tempDir("closed"), KILN_ADMIN_EMAILS: "boss@example.com" } });
});
afterAll(async () => void (await kiln?.stop()));

const pw = "password-long-enough";

test("the first account is admin; an admin closes sign-up; only KILN_ADMIN_EMAILS may still sign up", async () => {
  const first = await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "ada@example.com", password: pw } });
  expect(first.body).toMatchObject({ name: "ada", admin: true });
  const second = await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "ben@example.com", password: pw } });
  expect(second.body.admin).toBe(false);

  const ada = await signIn(kiln.url, "ada@example.com", pw);
  const ben = await signIn(kiln.url, "ben@example.com", pw);
  const asBen = await call(kiln.url, "PATCH", "/api/settings", { headers: { cookie: ben.cookie }, body: { signup: "closed" } });
  expect(asBen.status).toBe(403);
  const closed = await call(kiln.url, "PATCH", "/api/settings", { headers: { cookie: ada.cookie }, body: { signup: "closed" } });
  expect(closed.status).toBe(200);
  expect(closed.body).toEqual({ signup: "closed" });

  const refused = await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "cat@example.com", password: pw } });
  expect(refused.status).toBe(403);
  expect(refused.body.error.message).toMatch(/closed/i);
  const boss = await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "Boss@Example.com", password: pw } });
  expect(boss.status).toBe(201);
  expect(boss.body.admin).toBe(true);

  const bad = await call(kiln.url, "PATCH", "/api/settings", { headers: { cookie: ada.cookie }, body: { signup: "sometimes" } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe("signup");
  expect((await call(kiln.url, "GET", "/api/settings", { headers: { cookie: ada.cookie } })).body).toEqual({ signup: "closed" });
});

test("while sign-up is closed, an invitation lets exactly one person in", async () => {
  const ada = await signIn(kiln.url, "ada@example.com", pw);
  const ben = await signIn(kiln.url, "ben@example.com", pw);
  await call(kiln.url, "PATCH", "/api/settings", { headers: { cookie: ada.cookie }, body: { signup: "closed" } });
  expect((await call(kiln.url, "POST", "/api/invites", { headers: { cookie: ben.cookie }, body: {} })).status).toBe(403);

  const inv = await call(kiln.url, "POST", "/api/invites", { headers: { cookie: ada.cookie }, body: { note: "new hire" } });
  expect(inv.status).toBe(201);
  expect(inv.body.url).toContain(`/signup?invite=${inv.body.code}`);
  const dan = await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "dan@example.com", password: pw, invite: inv.body.code } });
  expect(dan.status).toBe(201);
  expect(dan.body.admin).toBe(false);
  const reuse = await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "eve@example.com", password: pw, invite: inv.body.code } });
  expect(reuse.status).toBe(400);
  expect(reuse.body.error.field).toBe("invite");

  const bound = await call(kiln.url, "POST", "/api/invites", { headers: { cookie: ada.cookie }, body: { email: "fay@example.com" } });
  const wrong = await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "gus@example.com", password: pw, invite: bound.body.code } });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.message).toMatch(/another email/);
  expect((await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "fay@example.com", password: pw, invite: bound.body.code } })).status).toBe(201);

  const list = await call(kiln.url, "GET", "/api/invites", { headers: { cookie: ada.cookie } });
  expect(list.body.map((i: { status: string }) => i.status)).toEqual(["used", "used"]);
  expect(JSON.stringify(list.body)).not.toContain(inv.body.code);
});

test("the last admin cannot be demoted or deleted (422)", async () => {
  const solo = await startKiln({ env: { KILN_DATA_DIR: tempDir("solo") } });
  try {
    await call(solo.url, "POST", "/api/auth/signup", { body: { email: "only@example.com", password: pw } });
    const s = await signIn(solo.url, "only@example.com", pw);
    const demote = await call(solo.url, "PATCH", "/hub/api/users/only", { headers: { cookie: s.cookie }, body: { admin: false } });
    expect(demote.status).toBe(422);
    expect((await call(solo.url, "DELETE", "/hub/api/users/only", { headers: { cookie: s.cookie } })).status).toBe(422);
    expect((await call(solo.url, "GET", "/hub/api/user", { headers: { cookie: s.cookie } })).body.admin).toBe(true);
  } finally {
    await solo.stop();
  }
});

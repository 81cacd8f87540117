import { describe, expect, inject, test } from "vitest";
import { call, signIn } from "../helpers/http";
import { uniq } from "../helpers/kiln";

const password = "correct horse battery";

describe.each(inject("servers"))("sign-up and sign-in on $backend", (s) => {
  test("POST /api/auth/signup creates an account that can sign in and use the API by cookie", async () => {
    const email = `${uniq("zoe")}@example.com`;
    const r = await call(s.url, "POST", "/api/auth/signup", { body: { email, password } });
    expect(r.status).toBe(201);
    expect(r.body.email).toBe(email);
    const session = await signIn(s.url, email, password);
    expect(session.ok).toBe(true);
    const me = await call(s.url, "GET", "/hub/api/user", { headers: { cookie: session.cookie } });
    expect(me.status).toBe(200);
    expect(me.body.name).toBe(r.body.name);
    // a token minted with the cookie works on its own
    const t = await call(s.url, "POST", `/hub/api/users/${r.body.name}/tokens`, {
      headers: { cookie: session.cookie, origin: s.url },
      body: { note: "cli" },
    });
    expect(t.status).toBe(201);
    expect((await call(s.url, "GET", "/hub/api/user", { token: t.body.token })).body.name).toBe(r.body.name);
  });

  test("a duplicate email is 409, whatever its case", async () => {
    const email = `${uniq("dup")}@example.com`;
    expect((await call(s.url, "POST", "/api/auth/signup", { body: { email, password } })).status).toBe(201);
    const again = await call(s.url, "POST", "/api/auth/signup", { body: { email: email.toUpperCase(), password } });
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe("email");
  });

  test("a short password is 400 naming the field; malformed JSON is 400", async () => {
    const short = await call(s.url, "POST", "/api/auth/signup", { body: { email: `${uniq("p")}@example.com`, password: "short" } });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe("password");
    const bad = await call(s.url, "POST", "/api/auth/signup", { rawBody: '{"email": "x@y.z", "password": ', headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const noEmail = await call(s.url, "POST", "/api/auth/signup", { body: { email: "not-an-email", password } });
    expect(noEmail.body.error.field).toBe("email");
  });

  test("quotes, unicode and SQL-looking text are stored verbatim", async () => {
    const display = `Robert'); DROP TABLE users;-- "Zoë" 🦊 \\ %_ $1`;
    const email = `${uniq("o'neil")}@example.com`;
    const r = await call(s.url, "POST", "/api/auth/signup", { body: { email, password: `${display}!pw`, display_name: display } });
    expect(r.status).toBe(201);
    expect(r.body.display_name).toBe(display);
    const session = await signIn(s.url, email, `${display}!pw`);
    expect(session.ok).toBe(true);
    const me = await call(s.url, "GET", "/hub/api/user", { headers: { cookie: session.cookie } });
    expect(me.body.display_name).toBe(display);
    expect(me.body.email).toBe(email);
  });

  test("a wrong password does not sign in, and repeated guesses are rate limited", async () => {
    const email = `${uniq("guess")}@example.com`;
    await call(s.url, "POST", "/api/auth/signup", { body: { email, password } });
    const wrong = await signIn(s.url, email, "wrong password");
    expect(wrong.ok).toBe(false);
    let last = wrong;
    for (let i = 0; i < 10; i++) last = await signIn(s.url, email, "wrong password");
    expect(last.ok).toBe(false);
    expect(last.error).toMatch(/too many/i);
    // even the right password is refused while the limit holds
    expect((await signIn(s.url, email, password)).ok).toBe(false);
  });

  test("a cookie-authenticated change from another origin is refused", async () => {
    const email = `${uniq("csrf")}@example.com`;
    const u = await call(s.url, "POST", "/api/auth/signup", { body: { email, password } });
    const session = await signIn(s.url, email, password);
    const r = await call(s.url, "POST", `/hub/api/users/${u.body.name}/tokens`, {
      headers: { cookie: session.cookie, origin: "https://evil.example" },
      body: {},
    });
    expect(r.status).toBe(403);
  });
});

import type { TestServer } from "./global-setup";
import { uniq } from "./kiln";

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny client: `auth` is a token (sent as `Authorization: token ...`) or a raw header set. */
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `token ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  const r = await fetch(base + path, { method, headers, body, redirect: "manual" });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed as T, headers: r.headers };
}

/** Creates a user through the hub API with the admin token and mints them a token. */
export async function makeUser(s: TestServer, prefix = "u"): Promise<{ name: string; token: string }> {
  const name = uniq(prefix);
  const created = await call(s.url, "POST", `/hub/api/users/${name}`, { token: s.adminToken });
  if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  const t = await call(s.url, "POST", `/hub/api/users/${name}/tokens`, { token: s.adminToken, body: { note: "test" } });
  if (t.status !== 201) throw new Error(`token for ${name}: ${t.status} ${JSON.stringify(t.body)}`);
  return { name, token: t.body.token };
}

/** Signs in through next-auth's credentials flow, as the browser form does; returns the cookie header. */
export async function signIn(base: string, email: string, password: string): Promise<{ ok: boolean; cookie: string; error?: string }> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const r = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    redirect: "manual",
  });
  const cookies = r.headers.getSetCookie().map((c) => c.split(";")[0]!);
  const session = cookies.find((c) => c.startsWith("next-auth.session-token="));
  const location = r.headers.get("location") ?? (await r.json().catch(() => ({}))).url ?? "";
  const error = new URL(location, base).searchParams.get("error") ?? undefined;
  return { ok: !!session, cookie: [jar, ...cookies].join("; "), error };
}

/** Signs out through next-auth, as the Sign out button does (a POST with the CSRF token). */
export async function signOut(base: string, cookie: string): Promise<number> {
  const csrf = await fetch(`${base}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const r = await fetch(`${base}/api/auth/signout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, json: "true" }),
    redirect: "manual",
  });
  return r.status;
}

/** A password account made through the sign-up API, signed in: its name, email, password and cookie. */
export async function signedInUser(base: string, prefix: string) {
  const email = `${uniq(prefix)}@example.com`;
  const password = `${prefix} password 1`;
  const created = await call(base, "POST", "/api/auth/signup", { body: { email, password } });
  if (created.status !== 201) throw new Error(`sign-up: ${created.status} ${JSON.stringify(created.body)}`);
  const { ok, cookie } = await signIn(base, email, password);
  if (!ok) throw new Error(`sign-in of ${email} failed`);
  return { name: created.body.name as string, email, password, cookie };
}

const serverPath = (user: { name: string }, serverName: string) => `/hub/api/users/${user.name}/${serverName ? `servers/${serverName}` : "server"}`;

/** Waits until the user's server (as the hub API lists it, or undefined when it is gone) is what `done` asks, for at most 90 s. */
export async function waitForServer(base: string, user: { name: string; token: string }, serverName: string, what: string, done: (server: { ready?: boolean } | undefined) => boolean) {
  const deadline = Date.now() + 90_000;
  while (!done((await call(base, "GET", `/hub/api/users/${user.name}`, { token: user.token })).body.servers?.[serverName])) {
    if (Date.now() > deadline) throw new Error(`${user.name}/${serverName} did not ${what}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** Starts the user's server (201, or 202 while it starts) and waits until it is ready. */
export async function startServer(base: string, user: { name: string; token: string }, serverName = "", body: unknown = {}) {
  const r = await call(base, "POST", serverPath(user, serverName), { token: user.token, body });
  if (r.status !== 201 && r.status !== 202) throw new Error(`start ${user.name}/${serverName}: ${r.status} ${JSON.stringify(r.body)}`);
  await waitForServer(base, user, serverName, "become ready", (srv) => !!srv?.ready);
}

/** Stops the user's server (204, or 202 while it stops) and waits until it is gone, so no server outlives its test's Kiln. */
export async function stopServer(base: string, user: { name: string; token: string }, serverName = "") {
  const r = await call(base, "DELETE", serverPath(user, serverName), { token: user.token });
  if (r.status !== 204 && r.status !== 202) throw new Error(`stop ${user.name}/${serverName}: ${r.status} ${JSON.stringify(r.body)}`);
  await waitForServer(base, user, serverName, "stop", (srv) => srv === undefined);
}

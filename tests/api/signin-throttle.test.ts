import http from "node:http";
import { expect, inject, test } from "vitest";
import { call } from "../helpers/http";
import { uniq } from "../helpers/kiln";

// Sign-in limits are kept per Kiln process: one server, two client addresses on the loopback.
const s = inject("servers").find((x) => x.backend === "pglite")!;

/** An HTTP request from a chosen loopback address (Kiln keys its limits on the peer address). */
function requestFrom(from: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const url = new URL(s.url + path);
    const req = http.request({ host: url.hostname, port: url.port, path, method, headers, localAddress: from }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** next-auth's credentials sign-in from `from`: signed in, or the error it answered with. */
async function signInFrom(from: string, email: string, password: string): Promise<{ ok: boolean; error?: string }> {
  const csrf = await requestFrom(from, "GET", "/api/auth/csrf", {});
  const jar = ([] as string[]).concat(csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const r = await requestFrom(from, "POST", "/api/auth/callback/credentials", { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    String(new URLSearchParams({ csrfToken, email, password, json: "true" })));
  const cookies = ([] as string[]).concat(r.headers["set-cookie"] ?? []);
  const location = r.headers.location ?? (JSON.parse(r.body || "{}") as { url?: string }).url ?? "";
  const error = new URL(location, s.url).searchParams.get("error") ?? undefined;
  return { ok: cookies.some((c) => c.startsWith("next-auth.session-token=")), error };
}

test("a stranger who exhausts an account's sign-in attempts from one address does not lock its owner out of another", async () => {
  const email = `${uniq("owner")}@example.com`;
  const password = "the owner's password";
  expect((await call(s.url, "POST", "/api/auth/signup", { body: { email, password } })).status).toBe(201);
  const stranger = "127.0.0.1";
  const owner = "127.0.0.2";

  // the stranger guesses until refused: 10 guesses a minute for one account from one address
  const answers: (string | undefined)[] = [];
  for (let i = 0; i < 12; i++) answers.push((await signInFrom(stranger, email, `guess ${i}`)).error);
  expect(answers.slice(0, 10).every((e) => e === "CredentialsSignin"), String(answers)).toBe(true);
  expect(answers[10]).toMatch(/too many/i);
  expect(answers[11]).toMatch(/too many/i);

  // the owner, from their own address, signs in at once with the right password
  const signedIn = await signInFrom(owner, email, password);
  expect(signedIn).toEqual({ ok: true, error: undefined });

  // the stranger stays throttled, even with the right password (no oracle while refused)
  const still = await signInFrom(stranger, email, password);
  expect(still.ok).toBe(false);
  expect(still.error).toMatch(/too many/i);
}, 60_000);

test("while an account is under attack, an address that already failed on it waits; one that has not is still checked", async () => {
  const email = `${uniq("target")}@example.com`;
  const password = "the target's password";
  expect((await call(s.url, "POST", "/api/auth/signup", { body: { email, password } })).status).toBe(201);
  // ten failures from ten addresses: each under its own limit, together over the account's
  for (let i = 0; i < 10; i++) expect((await signInFrom(`127.0.1.${i + 1}`, email, "wrong")).error).toBe("CredentialsSignin");
  // a spread-out guesser's address that failed once is refused now ...
  expect((await signInFrom("127.0.1.1", email, "wrong again")).error).toMatch(/too many/i);
  // ... a fresh one is checked (a wrong guess is just wrong), and the owner's gets in
  expect((await signInFrom("127.0.2.1", email, "wrong")).error).toBe("CredentialsSignin");
  expect((await signInFrom("127.0.2.2", email, password)).ok).toBe(true);
}, 60_000);

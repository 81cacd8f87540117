import { afterAll, beforeAll, expect, test } from "vitest";
import { type Replicas, startReplicas } from "../helpers/replicas";

// Behind the load balancer, with KILN_TRUSTED_PROXIES naming it, each client is known by its
// own address (X-Forwarded-For, read from the right), and the sign-in limit is counted in the
// database: two replicas taking turns do not allow twice the limit.
let r: Replicas;
beforeAll(async () => {
  r = await startReplicas({ count: 2, env: { KILN_TRUSTED_PROXIES: "127.0.0.1", KILN_AUTH_RATE_LIMIT: "4" } });
}, 300_000);
afterAll(async () => {
  await r?.stop();
});

/** A credentials sign-in through nginx, from `client` (as the balancer would be told it). */
async function signInFrom(client: string, email: string, password: string): Promise<string | undefined> {
  const headers = { "x-forwarded-for": client };
  const csrf = await fetch(`${r.url}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${r.url}/api/auth/callback/credentials`, {
    method: "POST", redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const location = res.headers.get("location") ?? ((await res.json().catch(() => ({}))) as { url?: string }).url ?? "";
  return new URL(location, r.url).searchParams.get("error") ?? undefined;
}

test("the sign-in limit holds per client across replicas, and one client's guessing does not throttle another", async () => {
  const answers: (string | undefined)[] = [];
  const upstreams = new Set<string>();
  for (let i = 0; i < 6; i++) {
    answers.push(await signInFrom("203.0.113.7", `nobody${i}@example.com`, "guess"));
    upstreams.add(String((await fetch(`${r.url}/api/health`)).headers.get("x-kiln-upstream")));
  }
  expect(upstreams.size).toBe(2); // the attempts went to both replicas
  expect(answers.slice(0, 4).every((e) => e === "CredentialsSignin"), String(answers)).toBe(true);
  expect(answers[4]).toMatch(/too many/i);
  expect(answers[5]).toMatch(/too many/i);
  // another client behind the same balancer is still checked
  expect(await signInFrom("198.51.100.20", "nobody@example.com", "guess")).toBe("CredentialsSignin");
}, 120_000);

import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { removeInstance } from "../helpers/docker";
import { signUpInBrowser, useChromium } from "../helpers/browser";
import { call, startServer } from "../helpers/http";
import { freePort, type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// KILN_USER_ORIGIN=http://{user}.localhost:<port>: each user's servers on a host of their own,
// as JupyterHub's subdomain_host (Chromium resolves *.localhost to this machine). Kiln's
// session cookie is host-only to localhost: a user's page never carries it.
const adminToken = randomToken();
const instance = `uorigin-${randomToken().slice(0, 8)}`;
let kiln: RunningKiln;
let userPort: number;
const chromium = useChromium();
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const port = await freePort();
  userPort = await freePort();
  kiln = await startKiln({
    env: {
      PORT: String(port), KILN_PUBLIC_URL: `http://localhost:${port}`, KILN_USER_ORIGIN: `http://{user}.localhost:${userPort}`,
      KILN_DATA_DIR: tempDir("uorigin"), KILN_ADMIN_TOKEN: adminToken, KILN_INSTANCE_NAME: instance,
    },
  });
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await kiln?.stop();
  await removeInstance(instance);
});

async function signedIn(prefix: string) {
  const ctx = await chromium.browser.newContext({ baseURL: `http://localhost:${kiln.port}` });
  contexts.push(ctx);
  const { page, name } = await signUpInBrowser(ctx, prefix);
  const token = (await call(kiln.url, "POST", `/hub/api/users/${name}/tokens`, { token: adminToken, body: {} })).body.token as string;
  return { ctx, page, name, token };
}

test("a user's page opens on their own origin after a one-time hand-over; bob cannot get a cookie for alice's host; signing out ends it there too", async () => {
  const alice = await signedIn("uoalice");
  await startServer(kiln.url, alice);
  expect((await call(kiln.url, "PUT", `/user/${alice.name}/api/contents/hello.html`, { token: alice.token, body: { type: "file", format: "text", content: "<p id=hi>hello</p>" } })).status).toBe(201);

  // From Kiln's origin, the page is opened on hers: Kiln hands the session over, once.
  await alice.page.goto(`/user/${alice.name}/files/hello.html`);
  await alice.page.waitForURL(`http://${alice.name}.localhost:${userPort}/user/${alice.name}/files/hello.html`);
  expect(await alice.page.locator("#hi").innerText()).toBe("hello");
  const cookies = await alice.ctx.cookies(`http://${alice.name}.localhost:${userPort}`);
  expect(cookies.map((c) => c.name)).toEqual(["kiln-user"]); // Kiln's own session cookie never goes there
  expect(cookies[0]!.httpOnly).toBe(true);

  // Only user servers are served on the user origin, and only that user's.
  // (Chromium resolves *.localhost itself: the checks go through the browser.)
  const other = await alice.ctx.newPage();
  expect((await other.goto(`http://${alice.name}.localhost:${userPort}/api/runs`))!.status()).toBe(404);
  expect((await other.goto(`http://${alice.name}.localhost:${userPort}/hub/api/user`))!.status()).toBe(404);

  // Bob, signed in as himself, is refused a hand-over for alice's host.
  const bob = await signedIn("uobob");
  const r = await bob.page.goto(`http://${alice.name}.localhost:${userPort}/user/${alice.name}/files/hello.html`);
  expect(r!.status()).toBe(403);
  expect(await bob.ctx.cookies(`http://${alice.name}.localhost:${userPort}`)).toEqual([]);

  // A code is good once: replaying the hand-over link gives nothing.
  // (the page is at that URL already: wait for this navigation itself, not for the URL)
  let navigated: Promise<unknown> = Promise.resolve();
  const link = await new Promise<string>((resolve) => {
    alice.page.on("request", (req) => req.url().includes("/kiln-user-auth?") && resolve(req.url()));
    navigated = alice.ctx.clearCookies({ domain: `${alice.name}.localhost` }).then(() => alice.page.goto(`/user/${alice.name}/files/hello.html`));
  });
  await navigated;
  expect(alice.page.url()).toBe(`http://${alice.name}.localhost:${userPort}/user/${alice.name}/files/hello.html`);
  expect((await bob.page.goto(link))!.status()).toBe(400);

  // Signing out on Kiln's origin ends the session on hers too.
  await alice.page.goto("/");
  await alice.page.getByRole("button", { name: "Sign out", exact: true }).click();
  await alice.page.waitForURL((u) => u.pathname.startsWith("/signin"));
  await other.goto(`http://${alice.name}.localhost:${userPort}/user/${alice.name}/files/hello.html`);
  await other.waitForURL((u) => u.host === `localhost:${kiln.port}` && u.pathname === "/signin"); // sent to sign in again
  await call(kiln.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
}, 120_000);

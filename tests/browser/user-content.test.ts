import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, useChromium } from "../helpers/browser";
import { call, makeUser, startServer } from "../helpers/http";

// What a user's server serves is shown on Kiln's host but runs sandboxed: an admin who opens
// a user's page cannot be made to act for the page's author.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let ctx: BrowserContext;
let page: Page;
let admin: string;
let alice: { name: string; token: string };

/** What the attacker's page does: read the cookie, mint a token as the viewer, ask who the viewer is. */
const evil = (victim: string) => `<script>
(async () => {
  const out = { ran: true };
  try { out.cookie = document.cookie; } catch (e) { out.cookie = "blocked: " + e.name; }
  try { const r = await fetch("/hub/api/users/${victim}/tokens", { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body: "{}" }); out.mint = r.status; } catch (e) { out.mint = "blocked: " + e.name; }
  try { const r = await fetch("/hub/api/user", { credentials: "include" }); out.whoami = r.status; } catch (e) { out.whoami = "blocked: " + e.name; }
  document.title = "done " + JSON.stringify(out);
})();
</script>`;

beforeAll(async () => {
  ctx = await chromium.browser.newContext({ baseURL: server.url });
  ({ page, name: admin } = await signUpInBrowser(ctx, "sbxadmin"));
  expect((await call(server.url, "PATCH", `/hub/api/users/${admin}`, { token: server.adminToken, body: { admin: true } })).status).toBe(200);
  alice = await makeUser(server, "sbxalice");
  await startServer(server.url, alice);
  const put = (path: string, content: unknown, type = "file", format = "text") =>
    call(server.url, "PUT", `/user/${alice.name}/api/contents/${path}`, { token: alice.token, body: { type, format, content } });
  expect((await put("evil.html", `<html><body><p>hello</p>${evil(admin)}</body></html>`)).status).toBe(201);
  const nb = {
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [{ id: "x", cell_type: "code", source: "", metadata: {}, execution_count: 1, outputs: [{ output_type: "display_data", metadata: {}, data: { "text/html": evil(admin) } }] }],
  };
  expect((await put("evil.ipynb", nb, "notebook", "json")).status).toBe(201);
}, 120_000);
afterAll(async () => {
  if (alice) await call(server.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
  await ctx?.close();
});

const adminTokens = async () => (await call(server.url, "GET", `/hub/api/users/${admin}/tokens`, { token: server.adminToken })).body.api_tokens.length;

for (const [what, path] of [["a /files/ HTML page", "files/evil.html"], ["an nbconvert HTML export", "nbconvert/html/evil.ipynb?download=false"]] as const) {
  test(`an admin opens alice's ${what} that tries to call Kiln's API and read the cookie: its script runs, nothing is minted, nothing read`, async () => {
    const before = await adminTokens();
    const res = await page.goto(`/user/${alice.name}/${path}`);
    expect(res!.headers()["content-security-policy"]).toContain("sandbox allow-scripts");
    expect(res!.headers()["content-security-policy"]).not.toContain("allow-same-origin");
    expect(res!.headers()["x-content-type-options"]).toBe("nosniff");
    await page.waitForFunction(() => document.title.startsWith("done "), null, { timeout: 15_000 });
    const out = JSON.parse((await page.title()).slice(5));
    expect(out.ran).toBe(true); // the page did run: the attack was really tried
    expect(String(out.cookie)).not.toContain("next-auth"); // the session cookie is out of its reach
    expect([200, 201]).not.toContain(out.mint);
    expect(out.whoami).not.toBe(200);
    expect(await adminTokens()).toBe(before);
  }, 60_000);
}

test("a cell's NUL and lone surrogate show in the notebook page exactly as the kernel sent them", async () => {
  const own = await chromium.browser.newContext({ baseURL: server.url });
  const u = await signUpInBrowser(own, "sbxodd");
  const r = await u.page.request.post(`/hub/api/users/${u.name}/server`, { data: {} });
  expect([201, 202]).toContain(r.status());
  const code = [
    "k = get_ipython().kernel",
    "k.session.send(k.iopub_socket, 'stream', content=b'{\"name\": \"stdout\", \"text\": \"x\\\\ud800y\\\\n\"}', parent=k.get_parent('shell'), ident=b'stream.stdout')",
    "print('a\\x00b')",
  ].join("\n");
  const nb = await (await u.page.request.post("/api/notebooks", { data: { name: "odd", cells: [{ id: "o", cell_type: "code", source: code, metadata: {} }] } })).json();
  await expect.poll(async () => (await (await u.page.request.get(`/hub/api/users/${u.name}`)).json()).servers[""]?.ready, { timeout: 60_000 }).toBe(true);
  expect((await u.page.request.post(`/api/notebooks/${nb.id}/execute`, { data: { cell_id: "o", code } })).status()).toBe(202);
  await expect.poll(async () => (await (await u.page.request.get(`/api/notebooks/${nb.id}`)).json()).content.cells[0].execution_count, { timeout: 30_000 }).toBe(1);
  await u.page.goto(`/notebooks/${nb.id}`);
  const pre = u.page.locator('[data-testid="cell-outputs"] .nb-stream pre').first();
  await pre.waitFor();
  expect(await pre.evaluate((el) => el.textContent)).toBe("x\ud800y\na\u0000b"); // (the last newline is not drawn, as in JupyterLab)
  await u.page.request.delete(`/hub/api/users/${u.name}/server`);
  await own.close();
}, 120_000);

import { expect, inject, test } from "vitest";
import { signUpInBrowser, useChromium } from "../helpers/browser";
import { call } from "../helpers/http";

// Kiln's own pages run only Kiln's scripts: a Content-Security-Policy with a nonce per page.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();

// Recorded in the page before any of its scripts run (Playwright's init scripts are not subject to CSP).
const RECORD_VIOLATIONS = `window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));`;
type Win = { __violations: string[]; __injected?: number; __fromOutput?: number };

const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const richNotebook = {
  nbformat: 4, nbformat_minor: 4, metadata: {},
  cells: [
    { cell_type: "markdown", metadata: {}, source: "# Rich\n\nEuler: $e^{i\\pi}+1=0$" },
    {
      cell_type: "code", execution_count: 1, metadata: {}, source: "show()",
      outputs: [
        { output_type: "display_data", metadata: {}, data: { "text/html": '<div id="html-out" style="color: rgb(1, 2, 3)"><b>bold</b><script>window.__fromOutput = 1</script></div>' } },
        { output_type: "display_data", metadata: {}, data: { "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="red"/></svg>' } },
        { output_type: "display_data", metadata: {}, data: { "image/png": PNG_1X1, "text/plain": "<Figure>" } },
        { output_type: "display_data", metadata: {}, data: { "text/latex": "$$\\frac{a}{b}$$" } },
        { output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/plain": "42" } },
      ],
    },
  ],
};

test("pages carry a CSP with a fresh nonce and frame protection; API answers are nosniff and unframeable", async () => {
  const a = await fetch(`${server.url}/signin`);
  const b = await fetch(`${server.url}/signin`);
  const csp = a.headers.get("content-security-policy") ?? "";
  for (const d of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "default-src 'self'"]) expect(csp).toContain(d);
  const nonce = /script-src 'self' 'nonce-([^']+)'(;|$)/.exec(csp)?.[1];
  expect(nonce, csp).toBeTruthy();
  expect(b.headers.get("content-security-policy")).not.toContain(nonce!);
  expect(await a.text()).toContain(`nonce="${nonce}"`); // Next put it on its scripts
  expect(a.headers.get("x-frame-options")).toBe("DENY");
  expect(a.headers.get("x-content-type-options")).toBe("nosniff");
  expect(a.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");

  const api = await call(server.url, "GET", "/hub/api/user");
  expect(api.status).toBe(401);
  expect(api.headers.get("x-content-type-options")).toBe("nosniff");
  expect(api.headers.get("x-frame-options")).toBe("DENY");
  expect(api.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
});

test("the notebook renders rich outputs under the CSP without a violation, and a script injected without the nonce never runs", async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  await ctx.addInitScript(RECORD_VIOLATIONS);
  const { page } = await signUpInBrowser(ctx, "csp");
  const imported = await page.request.post("/api/notebooks/import?name=rich", { data: richNotebook });
  expect(imported.status(), await imported.text()).toBe(201);
  const res = await page.goto(`/notebooks/${(await imported.json()).id}`);
  expect(res?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);

  // every kind of output shows as before: HTML (inline style kept, its script removed), SVG, PNG, KaTeX
  const out = page.locator("#html-out");
  await expect.poll(() => out.locator("b").count(), { timeout: 15_000 }).toBe(1);
  expect(await out.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(1, 2, 3)");
  const loaded = (alt: string) => page.getByAltText(alt).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
  await expect.poll(() => loaded("SVG output")).toBe(true);
  await expect.poll(() => loaded("PNG output")).toBe(true);
  await expect.poll(() => page.locator(".nb-markdown .katex").count()).toBeGreaterThan(0);
  await expect.poll(() => page.locator(".nb-latex .katex").count()).toBeGreaterThan(0);
  // the editor (CodeMirror injects its styles) still opens
  await page.locator('[data-testid="cell"]').nth(1).locator('[data-testid="cell-input"]').click();
  await page.locator(".cm-content").first().waitFor({ timeout: 5000 });
  expect(await page.evaluate(() => (window as unknown as Win).__violations)).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as Win).__fromOutput)).toBeUndefined();

  // what an injection that got past the sanitiser would do: an inline script without the
  // nonce, an inline event handler; neither runs
  const injected = await page.evaluate(async () => {
    const s = document.createElement("script");
    s.textContent = "window.__injected = 1";
    document.body.append(s);
    const div = document.createElement("div");
    div.innerHTML = '<img src="data:," onerror="window.__injected = 2">';
    document.body.append(div);
    await new Promise((r) => setTimeout(r, 0));
    return (window as unknown as Win).__injected;
  });
  expect(injected).toBeUndefined();
  await expect.poll(() => page.evaluate(() => (window as unknown as Win).__violations.filter((v) => v.startsWith("script-src")).length)).toBe(2);
  expect(await page.evaluate(() => (window as unknown as Win).__injected)).toBeUndefined();
  await ctx.close();
}, 60_000);

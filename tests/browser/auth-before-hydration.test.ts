import { expect, inject, test } from "vitest";
import { useChromium } from "../helpers/browser";
import { uniq } from "../helpers/kiln";

const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();

// Before React hydrates (a slow network, a busy machine, or JavaScript off), a form is plain
// HTML: a click or an Enter submits it natively. The sign-in and sign-up forms once did so with
// GET, which put the password into the address bar, the history and every access log.
for (const [path, button] of [["/signup", "Create account"], ["/signin", "Sign in"]] as const) {
  test(`${path}: a submission before hydration never puts the password in a URL`, async () => {
    const context = await chromium.browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const password = `${uniq("pw")} secret`;
      const urls: string[] = [];
      page.on("request", (r) => urls.push(r.url()));
      await page.goto(path);
      expect(await page.locator("form").first().getAttribute("method")).toBe("post");
      // the submit button waits for the page's script, which is what a person sees as "not ready yet"
      expect(await page.getByRole("button", { name: button }).isDisabled()).toBe(true);

      await page.getByLabel("Email").fill(`${uniq("early")}@example.com`);
      await page.getByLabel("Password").fill(password);
      await page.getByLabel("Password").press("Enter");
      await page.waitForLoadState("load");
      const leaked = urls.concat(page.url()).filter((u) => u.includes(encodeURIComponent(password).replace(/%20/g, "+")) || u.includes("password="));
      expect(leaked).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
}

import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium, signUpInBrowser } from "../helpers/browser";
import { type RunningKiln, startKiln, tempDir } from "../helpers/kiln";

// Its own instance: the default image is configuration, and the shared servers keep python.
let kiln: RunningKiln;
let browser: Browser;
let close: () => Promise<void>;
beforeAll(async () => {
  [kiln, { browser, close }] = await Promise.all([
    startKiln({ env: { KILN_DATA_DIR: tempDir("default-image"), KILN_DEFAULT_IMAGE: "pytorch" } }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await close?.();
  await kiln?.stop();
});

test("the Servers form preselects the configured default image (KILN_DEFAULT_IMAGE), not the alphabetically first one", async () => {
  const ctx = await browser.newContext({ baseURL: kiln.url });
  const { page } = await signUpInBrowser(ctx, "dflt");
  await page.goto("/servers");
  const select = page.getByLabel("Image");
  await expect.poll(() => select.count(), { timeout: 15_000 }).toBe(1);
  expect(await select.inputValue()).toBe("pytorch");
  // the catalog lists python first; it says which image is the default
  const images = await (await page.request.get("/api/images")).json();
  expect(images.map((i: { name: string }) => i.name)[0]).toBe("python");
  expect(images.filter((i: { default: boolean }) => i.default).map((i: { name: string }) => i.name)).toEqual(["pytorch"]);
  await ctx.close();
});

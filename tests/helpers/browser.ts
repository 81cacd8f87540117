import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium, headless, with the flags this network-less machine needs (ENVIRONMENT.md). */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", // Playwright gives each launch a fresh profile directory
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}

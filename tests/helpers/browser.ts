import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

/** Debian's Chromium, headless, with the flags this network-less machine needs (ENVIRONMENT.md). */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", // Playwright gives each launch a fresh profile directory
      // for experiments on the browser's own behaviour (bench/notebook-latency.ts), e.g. --disable-features=X
      ...(process.env.KILN_CHROMIUM_ARGS?.split(" ").filter(Boolean) ?? []),
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}

// Plain text, so no compiler helper (esbuild's __name) leaks into the page.
const UNNAMED_CONTROLS = `(() => {
  const named = (el) => {
    if (el.getAttribute("aria-label")?.trim()) return true;
    const by = el.getAttribute("aria-labelledby");
    if (by && by.split(/\\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
    if (el.labels && [...el.labels].some((l) => l.textContent?.trim())) return true;
    if (el.getAttribute("title")?.trim()) return true;
    if (el instanceof HTMLInputElement && ["submit", "button", "reset"].includes(el.type)) return !!el.value.trim();
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) return false;
    return !!el.innerText?.trim() || !!el.querySelector("img[alt]:not([alt=''])");
  };
  return [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea")]
    .filter((el) => !named(el))
    .map((el) => el.outerHTML.slice(0, 120));
})()`;

/**
 * Controls on the page a screen reader could not name: no visible text, no <label>, no
 * aria-label(ledby), no title. Returns a short description of each, for the assertion.
 */
export async function unnamedControls(page: import("playwright-core").Page): Promise<string[]> {
  return page.evaluate(UNNAMED_CONTROLS) as Promise<string[]>;
}

/** One Chromium for a test file: launched before its tests, closed after. */
export function useChromium(): { browser: Browser } {
  const holder = {} as { browser: Browser; close?: () => Promise<void> };
  beforeAll(async () => {
    const launched = await launchChromium();
    holder.browser = launched.browser;
    holder.close = launched.close;
  });
  afterAll(async () => holder.close?.());
  return holder;
}

/** A fresh account signed up through the form, as a person would; its page and user name. */
export async function signUpInBrowser(c: import("playwright-core").BrowserContext, prefix: string) {
  const { uniq } = await import("./kiln");
  const p = await c.newPage();
  await p.goto("/signup");
  await p.getByLabel("Email").fill(`${uniq(prefix)}@example.com`);
  await p.getByLabel("Password").fill(`${prefix} password 1`);
  await p.getByRole("button", { name: "Create account" }).click();
  await p.waitForURL((u) => u.pathname === "/");
  const me = await (await p.request.get("/api/auth/session")).json();
  return { page: p, name: me.user.name as string };
}

import type { Page } from "playwright-core";
import { beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { call } from "../helpers/http";

// Pipeline runs in Chromium: Run now on a pipeline's page lands on the run's page, where the
// running step's coloured output shows live in its terminal and the DAG colours each step as
// it ends; the second step's log is its own; the pipeline's page then shows the run. A bad
// cron expression in the schedules form is refused naming the field. Steps run in real
// containers: every wait is for a state.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let page: Page;
let token: string;

const DEFINITION = {
  description: "hello, then a step reading what it wrote",
  steps: [
    {
      name: "hello",
      parameters: { n: 3 },
      code: [
        "import os, time",
        "for i in range(n):",
        '    print(f"\\x1b[32mline {i}\\x1b[0m", flush=True)',
        "    time.sleep(0.5)",
        'os.makedirs("/tmp/o", exist_ok=True)',
        'open("/tmp/o/a.csv", "w").write("a\\n1\\n")',
        'kiln.output("out", "/tmp/o")',
      ].join("\n"),
      outputs: { out: { kind: "dataset" } },
    },
    { name: "after", code: 'print(open(kiln.input("x") + "/a.csv").read())', inputs: { x: { step: "hello", output: "out" } } },
  ],
};

beforeAll(async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  let user: string;
  ({ page, name: user } = await signUpInBrowser(ctx, "piperuns"));
  token = (await call(server.url, "POST", `/hub/api/users/${user}/tokens`, { token: server.adminToken, body: {} })).body.token;
}, 120_000);

const dag = () => page.getByTestId("pipeline-dag");
const statuses = () => dag().locator("[data-step]").evaluateAll((els) => els.map((e) => `${e.getAttribute("data-step")}:${e.getAttribute("data-status")}`));
/** The terminal's rows as text, one line each (scrolled into view first: xterm.js draws only a terminal on screen). */
async function logLines() {
  const log = page.getByTestId("step-log");
  await log.scrollIntoViewIfNeeded();
  return log.locator(".xterm-rows > div").evaluateAll((rows) => rows.map((r) => r.textContent?.trim() ?? ""));
}

test("Run now: the run's page follows the running step's log live, colours the DAG as steps end, and shows each step's own log", async () => {
  const created = await call(server.url, "POST", "/api/pipelines", { token, body: { name: "hello-runs", definition: DEFINITION } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as number;
  await page.goto(`/pipelines/${id}`);
  await dag().waitFor();
  await page.getByText("Not run yet.").waitFor();
  const n = page.getByLabel("n", { exact: true });
  expect(await n.inputValue()).toBe("3"); // the step's default
  await n.fill("8");
  await page.getByRole("button", { name: "Run now" }).click();
  await page.waitForURL(/\/pipelines\/runs\/\d+$/);
  const runId = Number(new URL(page.url()).pathname.split("/").pop());
  await dag().waitFor();
  expect(await page.locator("dl.props").textContent()).toContain("n = 8");

  // live: hello's first line is on screen while hello still runs (and the run may be cancelled)
  const live = async () => (await logLines()).includes("line 0") && (await statuses()).includes("hello:running") && (await page.getByRole("button", { name: "Cancel run" }).count()) === 1;
  await expect.poll(live, { timeout: 180_000, interval: 200 }).toBe(true)
    .catch(async (e) => {
      throw new Error(`${e}\nthe DAG: ${await statuses()}\nthe log: ${JSON.stringify(await logLines())}`);
    });
  await expect.poll(statuses, { timeout: 180_000 }).toEqual(["hello:succeeded", "after:succeeded"]);
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("succeeded");
  expect(await page.getByRole("button", { name: "Cancel run" }).count()).toBe(0);
  // the ANSI colour codes are drawn, not printed
  await page.getByRole("button", { name: "hello", exact: true }).click();
  await expect.poll(logLines).toEqual(expect.arrayContaining(["line 0", "line 7"]));
  expect((await logLines()).join("\n")).not.toContain("[32m");
  expect(await page.getByTestId("step-log").locator(".xterm-rows span.xterm-fg-2").allTextContents()).toContain("line 0"); // green
  expect(await page.getByTestId("step-runs").locator('[data-step="hello"]').textContent()).toMatch(/dataset out v\d+/);

  // another step: the terminal starts again with that step's output
  await page.getByRole("button", { name: "after", exact: true }).click();
  await expect.poll(() => page.getByTestId("step-log-state").textContent()).toContain("The step has ended");
  await expect.poll(logLines).toEqual(expect.arrayContaining(["a", "1"]));
  expect(await logLines()).not.toContain("line 0");
  expect(await unnamedControls(page)).toEqual([]);

  // the pipeline's page: the DAG coloured by this run, the run listed
  await page.goto(`/pipelines/${id}`);
  await expect.poll(statuses).toEqual(["hello:succeeded", "after:succeeded"]);
  const row = page.locator(`[data-testid="pipeline-run-row"][data-run-id="${runId}"]`);
  await expect.poll(() => row.textContent()).toMatch(/Run \d+.*succeeded.*manual.*v1/);
  // and the list of every run
  await page.goto("/pipelines");
  await page.getByRole("link", { name: "Pipeline runs" }).click();
  await page.waitForURL(/\/pipelines\/runs$/);
  await expect.poll(() => page.locator(`[data-testid="pipeline-run-row"][data-run-id="${runId}"]`).textContent()).toContain("hello-runs");
}, 420_000);

test("schedules on a pipeline's page: a bad cron expression is refused naming cron; a good one is listed, paused and deleted", async () => {
  const created = await call(server.url, "POST", "/api/pipelines", { token, body: { name: "scheduled", definition: { steps: [{ name: "a", code: "print(1)" }] } } });
  expect(created.status).toBe(201);
  await page.goto(`/pipelines/${created.body.id}`);
  await page.getByText("No schedules").waitFor();
  await page.getByLabel("Cron expression").fill("every tuesday");
  await page.getByRole("button", { name: "Add cron schedule" }).click();
  await expect.poll(() => page.locator(".alert-error").first().textContent()).toMatch(/^cron: .*not a cron expression/);
  await page.getByLabel("Cron expression").fill("0 6 * * 1-5");
  await page.getByLabel("Time zone").fill("Europe/Paris");
  await page.getByRole("button", { name: "Add cron schedule" }).click();
  const schedules = page.getByTestId("schedules");
  await expect.poll(() => schedules.textContent()).toMatch(/0 6 \* \* 1-5.*Europe\/Paris.*active/);
  expect(await page.locator(".alert-error").count()).toBe(0);
  await page.getByRole("button", { name: /^Pause schedule/ }).click();
  await expect.poll(() => schedules.textContent()).toContain("paused");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: /^Delete schedule/ }).click();
  await page.getByText("No schedules").waitFor();

  // a data trigger naming no dataset of the user's: refused, naming the field
  await page.getByLabel("Dataset").fill("no-such-data");
  await page.getByRole("button", { name: "Add data trigger" }).click();
  await expect.poll(() => page.locator(".alert-error").first().textContent()).toMatch(/^dataset: /);

  // the webhook: saved, its secret shown once with how it signs
  await page.getByLabel("URL").fill("https://example.com/hooks/kiln");
  await page.getByRole("button", { name: "Save webhook" }).click();
  await expect.poll(() => page.getByTestId("webhook-secret").textContent()).toContain("X-Kiln-Signature: sha256=");
  expect(await page.getByLabel("Signing secret").inputValue()).toMatch(/^[0-9a-f]{64}$/);
  expect(await unnamedControls(page)).toEqual([]);
});

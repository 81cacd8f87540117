import type { Page } from "playwright-core";
import { expect } from "vitest";

/** The notebook page's cells, as a user finds them, for the browser tests. */
export const cells = (p: Page) => p.locator('[data-testid="cell"]');
export const outputsOf = (p: Page, i: number) => cells(p).nth(i).locator('[data-testid="cell-outputs"]');

/** Replaces cell i's source as typing would (its editor mounted by a click). */
export async function edit(p: Page, i: number, code: string) {
  await cells(p).nth(i).locator('[data-testid="cell-input"]').click();
  // typed keys go where the focus is: wait until this cell's editor has it (a busy page may be a moment late)
  await cells(p).nth(i).locator(".cm-editor.cm-focused").waitFor({ timeout: 10_000 });
  await p.keyboard.press("ControlOrMeta+a");
  await p.keyboard.press("Backspace");
  if (code) await p.keyboard.insertText(code);
}

/** Types code into cell i and runs it with Shift+Enter. */
export async function typeAndRun(p: Page, i: number, code: string) {
  await edit(p, i, code);
  await p.keyboard.press("Shift+Enter");
}

/** A new notebook (with these cells, or one empty cell), opened in the page; its id. */
export async function openNewNotebook(p: Page, name: string, cellsIn?: { source: string; tags?: string[]; type?: string }[]) {
  const data = cellsIn
    ? { name, cells: cellsIn.map((c, i) => ({ id: `c${i}`, cell_type: c.type ?? "code", source: c.source, metadata: c.tags ? { tags: c.tags } : {} })) }
    : { name };
  const r = await p.request.post("/api/notebooks", { data });
  expect(r.status()).toBe(201);
  const id = (await r.json()).id as number;
  await p.goto(`/notebooks/${id}`);
  await cells(p).first().waitFor();
  return id;
}

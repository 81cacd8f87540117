import { api } from "../api";
import type { NotebookController } from "./controller";
import type { NotebookModel } from "./types";

/**
 * Another view (a second tab) saved: this one loads the sources it is now showing outputs
 * for. A view with edits of its own keeps them: its next save meets the usual conflict.
 */
export async function onSavedElsewhere(c: NotebookController, revision: number): Promise<void> {
  const busy = () => revision <= c.saver.revision || c.saver.hasUnsaved || c.conflict.get() !== null;
  if (busy()) return;
  const res = await api<NotebookModel>(c.path);
  if (!res.ok || res.data.revision <= c.saver.revision || c.saver.hasUnsaved || c.conflict.get() !== null) return;
  c.store.applySaved(res.data.content);
  c.saver.reset(res.data.revision);
  c.name.set(res.data.name);
}

import { api, type ApiError } from "../api";
import { Signal } from "./signal";
import type { NotebookStore } from "./store";
import type { NotebookModel } from "./types";

export type SaveState = { kind: "saved" } | { kind: "dirty" } | { kind: "saving" } | { kind: "error"; message: string } | { kind: "conflict" };

const DEBOUNCE_MS = 1000;

/**
 * Autosave: a save goes ~1 s after the last edit, one at a time, naming the revision it
 * edited; a 409 means someone saved since, and the controller reloads (onConflict).
 * Renames go through the same queue, so a rename never races a save's revision.
 */
export class Saver {
  readonly state = new Signal<SaveState>({ kind: "saved" });
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private retryMs = 2000;

  constructor(
    private readonly notebookId: number,
    private readonly store: NotebookStore,
    public revision: number,
    private readonly onConflict: () => void,
  ) {
    store.subscribeContent(() => this.changed());
  }

  get hasUnsaved(): boolean {
    return this.dirty || this.state.get().kind === "saving";
  }

  private changed(): void {
    this.dirty = true;
    const kind = this.state.get().kind;
    if (kind !== "saving" && kind !== "conflict" && kind !== "dirty") this.state.set({ kind: "dirty" });
    this.schedule(DEBOUNCE_MS);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.save(), ms);
  }

  /** Saves now (after any save in flight); true once everything typed so far is saved. */
  save(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const p = this.chain.then(() => this.saveNow());
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async saveNow(): Promise<boolean> {
    if (!this.dirty) return this.state.get().kind === "saved";
    if (this.state.get().kind === "conflict") return false;
    this.dirty = false;
    this.state.set({ kind: "saving" });
    const res = await api<NotebookModel>(`/api/notebooks/${this.notebookId}`, {
      method: "PATCH",
      body: { revision: this.revision, cells: this.store.toSave(), metadata: this.store.metadata },
    });
    if (res.ok) {
      this.revision = res.data.revision;
      this.retryMs = 2000;
      this.state.set(this.dirty ? { kind: "dirty" } : { kind: "saved" });
      if (this.dirty) this.schedule(DEBOUNCE_MS);
      return !this.dirty;
    }
    this.dirty = true;
    if (res.error.status === 409) {
      this.state.set({ kind: "conflict" });
      this.onConflict();
      return false;
    }
    this.state.set({ kind: "error", message: res.error.message });
    // Keep trying with backoff: a blip in the network must not lose the edits.
    this.schedule(this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
    return false;
  }

  /**
   * The page is going away with edits not yet saved: send them with keepalive, which
   * outlives the page (browsers cap such bodies at 64 KB). False when that cannot carry
   * them, so the caller asks the user to stay.
   */
  saveOnExit(): boolean {
    if (!this.dirty) return true;
    const body = JSON.stringify({ revision: this.revision, cells: this.store.toSave(), metadata: this.store.metadata });
    if (body.length > 60_000 || this.state.get().kind === "conflict") return false;
    void fetch(`/api/notebooks/${this.notebookId}`, {
      method: "PATCH", body, keepalive: true, credentials: "same-origin",
      headers: { accept: "application/json", "content-type": "application/json" },
    }).catch(() => undefined);
    this.dirty = false;
    return true;
  }

  /** After a reload: the page shows the server's revision and nothing is pending. */
  reset(revision: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
    this.revision = revision;
    this.state.set({ kind: "saved" });
  }

  rename(name: string): Promise<{ ok: true; model: NotebookModel } | { ok: false; error: ApiError }> {
    const p = this.chain.then(async () => {
      const res = await api<NotebookModel>(`/api/notebooks/${this.notebookId}`, { method: "PATCH", body: { name } });
      if (!res.ok) return res;
      // A rename may count as a revision; adopting anything newer would hide someone else's save.
      if (res.data.revision === this.revision + 1) this.revision = res.data.revision;
      return { ok: true as const, model: res.data };
    });
    this.chain = p.catch(() => undefined);
    return p;
  }
}

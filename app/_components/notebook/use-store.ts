"use client";

import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import type { NotebookController } from "./controller";
import type { CellModel, NotebookStore } from "./store";
import type { RunState } from "./run-state";

/** The controller is created once per page: a stable context value, so no consumer re-renders from it. */
export const ControllerContext = createContext<NotebookController | null>(null);

export function useController(): NotebookController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error("useController outside a notebook");
  return c;
}

export function useOrder(store: NotebookStore): string[] {
  return useSyncExternalStore(store.subscribeOrder, () => store.order, () => store.order);
}

export function useCell(store: NotebookStore, id: string): CellModel | undefined {
  const sub = useCallback((l: () => void) => store.subscribeCell(id, l), [store, id]);
  const get = () => store.cell(id);
  return useSyncExternalStore(sub, get, get);
}

export function useRun(store: NotebookStore, id: string): RunState {
  const sub = useCallback((l: () => void) => store.subscribeRun(id, l), [store, id]);
  const get = () => store.run(id);
  return useSyncExternalStore(sub, get, get);
}

/** "none" | "selected" | "editing": a primitive, so only the cells whose answer changes re-render. */
export function useFocusState(store: NotebookStore, id: string): "none" | "selected" | "editing" {
  const get = () => (store.selected !== id ? "none" : store.mode === "edit" ? "editing" : "selected");
  return useSyncExternalStore(store.subscribeSelection, get, get);
}

/** Whether the cell's editor is mounted: while it is edited, and for a few cells after (NotebookStore.keptEditors). */
export function useEditorMounted(store: NotebookStore, id: string): boolean {
  const get = () => (store.selected === id && store.mode === "edit") || store.keptEditors.includes(id);
  return useSyncExternalStore(store.subscribeSelection, get, get);
}

export function useSelected(store: NotebookStore): { id: string | null; mode: "command" | "edit" } {
  const id = useSyncExternalStore(store.subscribeSelection, () => store.selected, () => store.selected);
  const mode = useSyncExternalStore(store.subscribeSelection, () => store.mode, () => store.mode);
  return { id, mode };
}

/** Whether the cell is in the selection (a Shift+Up/Down range counts every cell in it). */
export function useInSelection(store: NotebookStore, id: string): boolean {
  const get = () => store.selection.has(id);
  return useSyncExternalStore(store.subscribeSelection, get, get);
}

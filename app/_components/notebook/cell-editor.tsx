"use client";

import { EditorView } from "@codemirror/view";
import { useLayoutEffect, useRef } from "react";
import { cellEditorState } from "./editor";
import { editorKeys, takeRunKeys } from "./editor-keys";
import type { CellModel } from "./store";
import { useController } from "./use-store";

const LABELS = { code: "Code", markdown: "Markdown", raw: "Raw" } as const;

/**
 * The one live CodeMirror view: mounted while its cell is in edit mode, in a layout effect
 * so it has focus before the next key arrives. On unmount its state (undo history, caret)
 * is kept, so coming back to the cell resumes where it was.
 */
export function CellEditor({ cell }: { cell: CellModel }) {
  const c = useController();
  const host = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const id = cell.id;
    const source = c.store.cell(id)?.source ?? "";
    const cursor = c.pendingCursor.get(id) ?? null;
    c.pendingCursor.delete(id);
    const saved = c.store.editorStates.get(id);
    let state =
      saved && saved.doc.length === source.length && saved.doc.toString() === source
        ? saved
        : cellEditorState(cell.type, source, cursor, { changed: (s) => c.store.typed(id, s), keys: editorKeys(c, id), ask: (op, body) => c.command(op, body) }, `${LABELS[cell.type]} cell source`);
    if (state === saved && cursor !== null) state = state.update({ selection: { anchor: Math.min(cursor, source.length) } }).state;
    const view = new EditorView({ state, parent: host.current! });
    c.editors.set(id, view);
    const untake = takeRunKeys(view, host.current!);
    view.focus();
    return () => {
      untake();
      c.store.editorStates.set(id, view.state);
      if (c.editors.get(id) === view) c.editors.delete(id);
      view.destroy();
    };
    // The epoch changes when the source was replaced from outside: a fresh editor then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [c, cell.id, cell.epoch, cell.type]);

  return <div ref={host} className="nb-editor" />;
}

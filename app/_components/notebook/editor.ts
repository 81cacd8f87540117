import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { markdown } from "@codemirror/lang-markdown";
import { python } from "@codemirror/lang-python";
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorSelection, EditorState, type Extension, Prec } from "@codemirror/state";
import { drawSelection, EditorView, type KeyBinding, keymap } from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";
import { type Ask, kernelAssist } from "./completion";
import type { CellType } from "./types";

export interface EditorCallbacks {
  changed: (source: string) => void;
  /** Shift/Ctrl/Alt+Enter, Escape, Ctrl+S: the notebook's commands, ahead of the editor's own. */
  keys: KeyBinding[];
  /** Completion and help from the kernel (code cells). */
  ask: Ask;
}

function language(type: CellType): Extension {
  if (type === "code") return python();
  if (type === "markdown") return markdown();
  return [];
}

/**
 * A fresh editor state for a cell. Highlighting uses classHighlighter's tok-* classes, the
 * same ones the static view of an unfocused cell uses, so mounting an editor changes
 * nothing on screen. No line wrapping, as in JupyterLab.
 */
export function cellEditorState(type: CellType, source: string, cursor: number | null, cb: EditorCallbacks, label: string): EditorState {
  const at = Math.min(Math.max(cursor ?? source.length, 0), source.length);
  return EditorState.create({
    doc: source,
    selection: EditorSelection.cursor(at),
    extensions: [
      // (first: while its list or tooltip is open, Escape and the arrows are the completion's)
      type === "code" ? kernelAssist(cb.ask) : [],
      Prec.highest(keymap.of(cb.keys)),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      indentUnit.of("    "),
      EditorState.tabSize.of(4),
      language(type),
      syntaxHighlighting(classHighlighter),
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...(type === "code" ? [] : [indentWithTab])]),
      EditorView.contentAttributes.of({ "aria-label": label }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) cb.changed(u.state.doc.toString());
      }),
    ],
  });
}

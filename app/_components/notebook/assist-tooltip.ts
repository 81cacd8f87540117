import { type EditorState, StateEffect, StateField } from "@codemirror/state";
import { type EditorView, showTooltip, type Tooltip } from "@codemirror/view";
import { ansiToHtml } from "./ansi";

/**
 * The one tooltip the kernel's help uses in a cell's editor: Shift+Tab's signature and
 * docstring (as JupyterLab's), or a short notice (the kernel is busy, nothing found).
 * Typing, moving the caret or Escape closes it.
 */
export type Assist = { pos: number; kind: "help"; text: string } | { pos: number; kind: "notice"; text: string };

const setAssist = StateEffect.define<Assist | null>();

function tooltipOf(a: Assist): Tooltip {
  return {
    pos: a.pos,
    above: false,
    create: () => {
      const dom = document.createElement("div");
      dom.className = a.kind === "help" ? "nb-assist nb-assist-help" : "nb-assist nb-assist-notice";
      dom.dataset.testid = a.kind === "help" ? "inspect-tooltip" : "assist-notice";
      dom.setAttribute("role", a.kind === "help" ? "tooltip" : "status");
      if (a.kind === "help") {
        const pre = document.createElement("pre");
        pre.innerHTML = ansiToHtml(a.text); // (escaped by ansi_up; only its colour spans are markup)
        dom.append(pre);
      } else dom.textContent = a.text;
      return { dom };
    },
  };
}

const assistField = StateField.define<{ assist: Assist; tooltip: Tooltip } | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setAssist)) return e.value ? { assist: e.value, tooltip: tooltipOf(e.value) } : null;
    return tr.docChanged || tr.selection ? null : value;
  },
  provide: (f) => showTooltip.compute([f], (s) => s.field(f)?.tooltip ?? null),
});

export const assistTooltip = assistField;

export function showAssist(view: EditorView, a: Assist | null): void {
  view.dispatch({ effects: setAssist.of(a) });
}

export function assistShown(state: EditorState): Assist | null {
  return state.field(assistField, false)?.assist ?? null;
}

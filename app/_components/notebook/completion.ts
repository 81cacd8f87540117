import {
  acceptCompletion, autocompletion, closeCompletion, type Completion, type CompletionContext, type CompletionResult, completionStatus,
  insertCompletionText, startCompletion,
} from "@codemirror/autocomplete";
import { indentLess, indentMore } from "@codemirror/commands";
import { type EditorState, type Extension, Prec, type Text } from "@codemirror/state";
import { type EditorView, type KeyBinding, keymap } from "@codemirror/view";
import type { CompleteReply, InspectReply } from "@/lib/execution/channel-protocol";
import type { ApiResult } from "../api";
import { assistShown, assistTooltip, showAssist } from "./assist-tooltip";
import { fromCodePoints, toCodePoints } from "./code-points";

/** How the editor asks the kernel (the notebook channel's `complete` and `inspect` commands). */
export type Ask = <T extends CompleteReply | InspectReply>(op: "complete" | "inspect", body: Record<string, unknown>) => Promise<ApiResult<T>>;

/** An answer slower than this gets a "asking the kernel" notice meanwhile (the first completion of a big module can be). */
const SLOW_MS = 400;

const KINDS: Record<string, string> = {
  function: "function", builtin_function_or_method: "function", method: "method", module: "namespace", class: "class", type: "class",
  instance: "variable", statement: "variable", param: "variable", keyword: "keyword", magic: "keyword", property: "property", path: "text",
};

/** Tab and Shift+Tab act as indentation where there is nothing before the caret on its line, as in JupyterLab. */
function inLeadingSpace(state: EditorState): boolean {
  const r = state.selection.main;
  if (!r.empty || state.selection.ranges.length > 1) return true;
  const line = state.doc.lineAt(r.head);
  return /^\s*$/.test(line.text.slice(0, r.head - line.from));
}

function options(reply: CompleteReply): Completion[] {
  const types = new Map((reply.types ?? []).map((t) => [t.text, t]));
  return reply.matches.map((m) => {
    const t = types.get(m);
    return { label: m, type: KINDS[t?.type ?? ""] ?? undefined, detail: t?.signature || undefined };
  });
}

/** The positions of a reply, in this document's UTF-16 offsets. */
function range(doc: Text, reply: CompleteReply) {
  const text = doc.toString();
  return { from: fromCodePoints(text, reply.cursor_start), to: fromCodePoints(text, reply.cursor_end) };
}

/**
 * Asks the kernel, never holding typing up: the answer is used only if the document and the
 * caret are still where they were; a slow one shows a notice meanwhile, a refusal (a busy
 * kernel, no server) says why in place of a list.
 */
async function ask<T extends CompleteReply | InspectReply>(view: EditorView, a: Ask, op: "complete" | "inspect", extra: Record<string, unknown> = {}) {
  const { doc, selection } = view.state;
  const pos = selection.main.head;
  const code = doc.toString();
  const slow = setTimeout(() => view.state.doc === doc && showAssist(view, { pos, kind: "notice", text: "Asking the kernel…" }), SLOW_MS);
  const res = await a<T>(op, { code, cursor_pos: toCodePoints(code, pos), ...extra });
  clearTimeout(slow);
  const current = view.state.doc === doc && view.state.selection.main.head === pos;
  if (!current) return null;
  if (assistShown(view.state)?.kind === "notice") showAssist(view, null);
  if (!res.ok) {
    showAssist(view, { pos, kind: "notice", text: res.error.message });
    return null;
  }
  return { res: res.data, pos, doc };
}

/** Shift+Tab: the signature and docstring of what is at (or called before) the caret. */
async function inspectAtCaret(view: EditorView, a: Ask) {
  const got = await ask<InspectReply>(view, a, "inspect", { detail_level: 0 });
  if (!got) return;
  const text = got.res.found ? String(got.res.data["text/plain"] ?? "") : "";
  showAssist(view, text ? { pos: got.pos, kind: "help", text } : { pos: got.pos, kind: "notice", text: "No help found here" });
}

type Asked = Awaited<ReturnType<typeof ask<CompleteReply>>>;

/** The list CodeMirror shows, from the kernel's answer; one match is written in at once, as JupyterLab does. */
function resultOf(view: EditorView, got: Asked): CompletionResult | null {
  if (!got) return null;
  const { from, to } = range(got.doc, got.res);
  if (got.res.matches.length === 0) {
    showAssist(view, { pos: got.pos, kind: "notice", text: "No completions" });
    return null;
  }
  if (got.res.matches.length === 1) {
    const only = got.res.matches[0]!;
    // after CodeMirror has taken the (empty) answer, and only if nothing was typed meanwhile
    setTimeout(() => view.state.doc === got.doc && view.dispatch(insertCompletionText(view.state, only, from, to)));
    return null;
  }
  return { from, to, options: options(got.res), validFor: /^[\w$]*$/ };
}

/**
 * Completion and help from the kernel, as JupyterLab gives them: Tab (or Ctrl+Space)
 * completes, Shift+Tab shows the signature and docstring; at the start of a line (or with
 * a selection) Tab and Shift+Tab indent and dedent. Nothing pops up while typing.
 * Tab asks the kernel at once: CodeMirror opens its list 50 ms after being asked to, and
 * by then the answer is usually in.
 */
export function kernelAssist(a: Ask): Extension {
  let asked: { doc: Text; pos: number; answer: Promise<Asked> } | null = null;
  const source = async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const hit = asked && asked.doc === ctx.state.doc && asked.pos === ctx.pos ? asked : null;
    asked = null;
    if (!ctx.view || (!hit && !ctx.explicit)) return null;
    const got = await (hit ? hit.answer : ask<CompleteReply>(ctx.view, a, "complete"));
    return ctx.aborted ? null : resultOf(ctx.view, got);
  };
  const keys: KeyBinding[] = [
    {
      key: "Tab",
      run: (view) => {
        if (completionStatus(view.state) === "active") return acceptCompletion(view);
        if (inLeadingSpace(view.state)) return indentMore(view);
        asked = { doc: view.state.doc, pos: view.state.selection.main.head, answer: ask<CompleteReply>(view, a, "complete") };
        return startCompletion(view);
      },
      shift: (view) => {
        if (inLeadingSpace(view.state)) return indentLess(view);
        void inspectAtCaret(view, a);
        return true;
      },
    },
    {
      key: "Escape",
      run: (view) => {
        if (!assistShown(view.state)) return false;
        // (a list still being asked for goes too: one Escape for what the key started)
        closeCompletion(view);
        showAssist(view, null);
        return true;
      },
    },
  ];
  // Ahead of the notebook's own keys (Escape leaves the cell, arrows cross cells): while the
  // list or a tooltip is open, those keys are theirs.
  return [
    Prec.highest(keymap.of(keys)),
    autocompletion({ override: [source], activateOnTyping: false, closeOnBlur: true, maxRenderedOptions: 200 }),
    assistTooltip,
  ];
}

"use client";

import { memo, useCallback, useLayoutEffect, useRef } from "react";
import { caretOffset } from "./caret";
import { CellEditor } from "./cell-editor";
import { sourceHidden, tagsOf, withHidden } from "./cell-metadata";
import { CellSteps, CellTags, Collapser, HiddenPart, OutputArea } from "./cell-parts";
import { runInPlace } from "./commands";
import { ExecutionCount } from "./execution-count";
import { MarkdownView } from "./markdown-view";
import { StaticSource } from "./static-source";
import { useCell, useController, useEditorMounted, useFocusState, useInSelection } from "./use-store";

const NAMES = { code: "Code cell", markdown: "Markdown cell", raw: "Raw cell" } as const;

/** Clicks on these do their own thing; anywhere else in a cell selects it. */
const INTERACTIVE = "a, button, input, select, textarea, summary, .cm-editor";

/**
 * One cell. Memoised and subscribed to its own slices of the store (content, selection,
 * outputs), so typing in one cell or output arriving in another never re-renders it.
 */
export const Cell = memo(function Cell({ id }: { id: string }) {
  const c = useController();
  const cell = useCell(c.store, id);
  const focus = useFocusState(c.store, id);
  const inSelection = useInSelection(c.store, id);
  const el = useRef<HTMLDivElement | null>(null);

  const register = useCallback(
    (node: HTMLDivElement | null) => {
      if (node) c.elements.set(id, node);
      else if (c.elements.get(id) === el.current) c.elements.delete(id);
      el.current = node;
    },
    [c, id],
  );

  // A cell selected before it existed (just inserted) takes focus once rendered.
  useLayoutEffect(() => {
    if (focus === "selected" && c.takeFocus(id)) c.focusCell(id);
  }, [c, id, focus]);

  const editing = focus === "editing";
  const editorMounted = useEditorMounted(c.store, id);

  if (!cell) return null;
  const rendered = cell.type === "markdown" && cell.rendered && !editing;
  const inputHidden = sourceHidden(cell.metadata) && !editing;
  const tags = tagsOf(cell.metadata);
  const showInput = () => c.setMetadata(id, withHidden(cell.metadata, "source", false));

  const onInputMouseDown = (e: React.MouseEvent) => {
    if (editing || e.button !== 0 || e.shiftKey) return;
    // An editor still mounted (NotebookStore.keptEditors): a click on its text places the caret itself; one
    // beside the text (the input's padding) is placed here. Focus goes to the editor either way.
    const view = c.editors.get(id);
    if (view) {
      if (!(e.target as HTMLElement).closest(".cm-content")) {
        e.preventDefault();
        const pos = view.posAtCoords({ x: e.clientX, y: e.clientY }, false);
        view.dispatch({ selection: { anchor: pos } });
      }
      return void c.select(id, "edit");
    }
    // Straight into edit mode, with the caret where the click landed (not the wrapper's focus).
    e.preventDefault();
    e.stopPropagation();
    c.edit(id, caretOffset(e.currentTarget as HTMLElement, e.clientX, e.clientY) ?? undefined);
  };

  return (
    <div
      ref={register}
      className={`nb-cell nb-cell-${cell.type}${focus !== "none" || inSelection ? " nb-selected" : ""}${editing ? " nb-editing" : ""}`}
      data-testid="cell"
      data-cell-id={id}
      data-cell-type={cell.type}
      role="group"
      aria-label={NAMES[cell.type]}
      tabIndex={focus === "none" ? -1 : 0}
      onMouseDown={(e) => {
        if ((e.target as HTMLElement).closest(INTERACTIVE)) return;
        // Shift+click extends the selection to this cell, as in JupyterLab
        if (e.shiftKey && !editing && c.store.selected) return void (e.preventDefault(), c.store.extendSelection(id));
        c.store.select(id, editing && (e.target as HTMLElement).closest(".nb-input") ? "edit" : "command");
      }}
    >
      <div className="nb-gutter">
        {cell.type === "code" ? <ExecutionCount id={id} /> : null}
        {focus !== "none" ? (
          <button type="button" className="nb-run" aria-label="Run cell" title="Run cell (Ctrl+Enter)" onClick={() => runInPlace(c)}>
            ▶
          </button>
        ) : null}
      </div>
      <div className="nb-cell-main">
        {tags.length ? <CellTags tags={tags} /> : null}
        <CellSteps id={id} />
        <div className="nb-part">
          <Collapser part="input" hidden={inputHidden} onToggle={() => c.setMetadata(id, withHidden(cell.metadata, "source", !inputHidden))} />
          {inputHidden ? (
            <HiddenPart part="input" onShow={showInput} />
          ) : rendered ? (
            <MarkdownView id={id} source={cell.source} />
          ) : (
            <div className="nb-input" data-testid="cell-input" onMouseDown={onInputMouseDown}>
              {editorMounted ? <CellEditor key={cell.epoch} cell={cell} /> : <StaticSource type={cell.type} source={cell.source} />}
            </div>
          )}
        </div>
        {cell.type === "code" ? <OutputArea id={id} metadata={cell.metadata} /> : null}
      </div>
    </div>
  );
});


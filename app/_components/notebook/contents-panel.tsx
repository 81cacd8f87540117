"use client";

import { useEffect, useState } from "react";
import { type Heading, headingsOf } from "./toc";
import { useController } from "./use-store";

const REFRESH_MS = 200;

/** The table of contents: the Markdown headings, kept current as cells change; a click goes to the heading's cell. */
export function ContentsPanel({ onClose }: { onClose: () => void }) {
  const c = useController();
  const read = () => headingsOf(c.store.order.map((id) => ({ id, type: c.store.cell(id)!.type, source: c.store.cell(id)!.source })));
  const [headings, setHeadings] = useState<Heading[]>(read);

  useEffect(() => {
    // Typing changes the content at every key: the list follows a moment later, once.
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = () => {
      timer ??= setTimeout(() => {
        timer = null;
        setHeadings(read());
      }, REFRESH_MS);
    };
    const offContent = c.store.subscribeContent(later);
    const offOrder = c.store.subscribeOrder(later);
    return () => {
      offContent();
      offOrder();
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [c]);

  const go = (h: Heading) => {
    c.setRendered(h.cellId);
    c.select(h.cellId, "command");
    c.elements.get(h.cellId)?.scrollIntoView({ block: "start" });
  };

  return (
    <aside id="nb-side" className="card nb-side" aria-labelledby="nb-contents-heading">
      <div className="section-head">
        <h2 id="nb-contents-heading">Contents</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={onClose}>Close</button>
      </div>
      {headings.length === 0 ? <p className="muted">No headings yet: Markdown cells with # headings make the contents.</p> : null}
      <ol className="nb-toc" data-testid="toc">
        {headings.map((h) => (
          <li key={`${h.cellId}:${h.index}`} style={{ paddingLeft: `${(h.level - 1) * 0.9}rem` }}>
            <button type="button" className={`nb-toc-link nb-toc-h${h.level}`} onClick={() => go(h)}>{h.text}</button>
          </li>
        ))}
      </ol>
    </aside>
  );
}

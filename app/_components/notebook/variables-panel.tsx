"use client";

import { useEffect, useRef, useState } from "react";
import type { VariablesReply } from "@/lib/execution/channel-protocol";
import { useController } from "./use-store";

/**
 * The variable inspector: what the notebook's kernel holds (name, type, shape or length, a
 * short value), as JupyterLab's shows it. Asked when the panel opens and again each time the
 * kernel goes idle after work, so it follows the cells being run; a busy kernel is not asked.
 */
export function VariablesPanel({ onClose }: { onClose: () => void }) {
  const c = useController();
  const [list, setList] = useState<VariablesReply | null>(null);
  const [note, setNote] = useState("Asking the kernel…");
  const [filter, setFilter] = useState("");
  const asking = useRef(false);

  useEffect(() => {
    let live = true;
    const ask = async () => {
      if (asking.current) return;
      asking.current = true;
      const res = await c.command<VariablesReply>("variables");
      asking.current = false;
      if (!live) return;
      if (res.ok) {
        setList(res.data);
        setNote("");
      } else setNote(res.error.message);
    };
    let last = c.kernel.get()?.state;
    if (last !== "busy") void ask();
    const off = c.kernel.subscribe(() => {
      const state = c.kernel.get()?.state;
      if (state === "idle" && last !== "idle") void ask();
      if (state === "none" || state === "dead") (setList(null), setNote(state === "dead" ? "The kernel died: restart it to see its variables." : "No kernel yet: run a cell."));
      last = state;
    });
    return () => {
      live = false;
      off();
    };
  }, [c]);

  const shown = (list?.variables ?? []).filter((v) => v.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <aside id="nb-side" className="card nb-side" aria-labelledby="nb-vars-heading">
      <div className="section-head">
        <h2 id="nb-vars-heading">Variables</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={onClose}>Close</button>
      </div>
      <input type="search" aria-label="Filter variables" placeholder="Filter by name" value={filter} onChange={(e) => setFilter(e.target.value)} />
      {note ? <p className="muted" role="status">{note}</p> : null}
      {list && list.variables.length === 0 ? <p className="muted">No variables yet.</p> : null}
      {shown.length > 0 ? (
        <table className="nb-vars" data-testid="variables">
          <thead>
            <tr><th>Name</th><th>Type</th><th>Shape / length</th><th>Value</th></tr>
          </thead>
          <tbody>
            {shown.map((v) => (
              <tr key={v.name}>
                <td><code>{v.name}</code></td>
                <td>{v.type}</td>
                <td>{v.shape ?? (v.size ?? "")}</td>
                <td className="nb-vars-value" title={v.value}>{v.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list && list.total > list.variables.length ? <p className="muted">The first {list.variables.length} of {list.total} names.</p> : null}
    </aside>
  );
}

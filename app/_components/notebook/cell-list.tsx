"use client";

import { Cell } from "./cell";
import { useController, useOrder } from "./use-store";

/** The cells, in order. Re-renders only when cells are added, removed or moved; each Cell is memoised. */
export function CellList() {
  const c = useController();
  const order = useOrder(c.store);
  return (
    <div className="nb-cells" role="list" aria-label="Cells">
      {order.map((id) => (
        <div role="listitem" key={id} className="nb-cell-item">
          <Cell id={id} />
        </div>
      ))}
    </div>
  );
}

"use client";

/** A column header that sorts the runs by its field; a second click flips the order. */
export function SortHeader({ field, label, sort, order, onSort, className }: {
  field: string; label: React.ReactNode; sort: string; order: "asc" | "desc"; onSort: (field: string) => void; className?: string;
}) {
  const active = sort === field;
  return (
    <th scope="col" className={className} aria-sort={active ? (order === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" className="runs-sort" onClick={() => onSort(field)}>
        {label}
        <span aria-hidden="true" className={active ? "runs-sort-arrow" : "runs-sort-arrow runs-sort-idle"}>{active && order === "asc" ? "▲" : "▼"}</span>
      </button>
    </th>
  );
}

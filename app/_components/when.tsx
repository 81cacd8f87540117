import { formatAgo, formatDate, formatDay } from "./format";

/** A <time> showing a short form, with the full UTC timestamp on hover. */
export function When({ iso, style = "date", empty = "—" }: { iso: string | null; style?: "date" | "day" | "ago"; empty?: string }) {
  if (!iso) return <span className="muted">{empty}</span>;
  const text = style === "ago" ? formatAgo(iso, empty) : style === "day" ? formatDay(iso, empty) : formatDate(iso, empty);
  return (
    <time dateTime={iso} title={formatDate(iso)}>
      {text}
    </time>
  );
}

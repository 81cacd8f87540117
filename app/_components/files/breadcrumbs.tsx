import Link from "next/link";

export const filesHref = (path: string) => (path ? `/files?path=${encodeURIComponent(path)}` : "/files");

/** Home / data / raw: every folder above the current one is a link. */
export function Breadcrumbs({ path }: { path: string }) {
  const parts = path ? path.split("/") : [];
  const crumbs = [{ label: "Home", path: "" }, ...parts.map((p, i) => ({ label: p, path: parts.slice(0, i + 1).join("/") }))];
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        {crumbs.map((c, i) => (
          <li key={c.path || "/"}>
            {i === crumbs.length - 1 ? <span aria-current="page">{c.label}</span> : <Link href={filesHref(c.path)}>{c.label}</Link>}
          </li>
        ))}
      </ol>
    </nav>
  );
}

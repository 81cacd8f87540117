import { section } from "./sections";

/** A section page's title and the one-line summary the navigation also shows. */
export function SectionHeader({ title, path }: { title: string; path: string }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      <p className="lede">{section(path).summary}</p>
    </div>
  );
}

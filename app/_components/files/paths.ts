/** One entry of a Jupyter contents listing (GET /api/contents/{dir}?content=1). */
export interface Entry {
  name: string;
  path: string;
  type: "file" | "directory" | "notebook";
  size: number | null;
  last_modified: string;
}

/** "/a//b/" -> "a/b"; "." and ".." segments are dropped (Jupyter refuses paths outside the root anyway). */
export function cleanPath(raw: string | string[] | undefined): string {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return (v ?? "").split("/").filter((s) => s && s !== "." && s !== "..").join("/");
}

export const joinPath = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** Why a new name is refused, or null: a name is one path segment, never a way out of the folder. */
export function nameProblem(name: string): string | null {
  if (!name.trim()) return "Enter a name.";
  if (name.includes("/") || name.includes("..")) return `"${name}": names cannot contain "/" or "..".`;
  if (name === ".") return `"." is not a name.`;
  return null;
}

/** 1536 -> "1.5 kB" (decimal units, as file managers show). */
export function formatSize(bytes: number | null): string {
  if (bytes === null || bytes === undefined) return "—";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = bytes / 1000;
  let i = 0;
  for (; v >= 1000 && i < units.length - 1; i++) v /= 1000;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Folders first, then by name as people read it ("file2" before "file10"). */
export function byKindThenName(a: Entry, b: Entry): number {
  const dir = (e: Entry) => (e.type === "directory" ? 0 : 1);
  return dir(a) - dir(b) || a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: "base" });
}

import fs from "node:fs";
import path from "node:path";

/** Where `npm start`'s build step leaves the PGlite template (scripts/pglite-template.ts). */
export const PGLITE_TEMPLATE = path.resolve(process.cwd(), "node_modules", ".cache", "kiln", "pglite-template.tar.gz");

/** The template as PGlite's `loadDataDir`, for a data directory that does not exist yet. */
export function pgliteTemplateFor(dir: string): Blob | undefined {
  if (fs.existsSync(path.join(dir, "PG_VERSION")) || !fs.existsSync(PGLITE_TEMPLATE)) return undefined;
  return new Blob([fs.readFileSync(PGLITE_TEMPLATE)]);
}

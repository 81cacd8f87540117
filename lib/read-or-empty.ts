import fs from "node:fs";

/** A file's text, or "" where there is none (never written, removed, or a /proc entry of a process that is gone). */
export function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

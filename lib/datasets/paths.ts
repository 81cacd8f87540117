import { z } from "zod";

export const MAX_PATH_LENGTH = 1024;
export const MAX_FILES_PER_VERSION = 10_000;

/**
 * Why a file path inside a dataset is refused, or null. Paths become folder paths when a
 * kernel downloads a version, so anything that could climb out of the version's folder or
 * name the same file twice (`a//b`, `a/./b`) is refused rather than normalised.
 */
export function pathProblem(p: string): string | null {
  if (p.length === 0) return "must not be empty";
  if (p.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(p)) return "must not contain control characters";
  if (p.includes("\\")) return "must use '/' between folders, not '\\'";
  if (p.startsWith("/")) return "must be relative (no leading '/')";
  for (const segment of p.split("/")) {
    if (segment === "") return "must not have empty segments ('//' or a trailing '/')";
    if (segment === ".." || segment === ".") return `must not have a '${segment}' segment`;
  }
  return null;
}

export const uploadPath = z
  .string()
  .superRefine((p, ctx) => {
    const problem = pathProblem(p);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe("The file's path inside the version: relative, '/'-separated");

export const isTable = (p: string) => /\.(csv|tsv)$/i.test(p);

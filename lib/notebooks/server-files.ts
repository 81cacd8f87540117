import { and, eq, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { requireScopes } from "../auth/scope-check";
import { notebooks, type NotebookDoc } from "../db/schema";
import { NoServerError, NotFoundError, ValidationError } from "../errors";
import { kernelTarget } from "../execution/target";
import { upstreamFetch } from "../spawners/upstream";
import { requireUser } from "./find";
import { importNotebook } from "./import";
import { exportNotebook } from "./manage";
import { notebookSummary } from "./serialize";

/**
 * Notebooks and the files on the user's server meet here. Decision (ARCHITECTURE.md): an
 * .ipynb opened from the server's files is imported, because Kiln keeps the notebooks it
 * runs (outputs that outlive a tab, revisions, runs); its path is kept in the notebook's
 * metadata (`kiln.origin`), so opening it again opens Kiln's copy, and says when the file
 * changed since (then it can be imported again over Kiln's copy, which is kept as a
 * revision). "Save to files" writes a notebook back as an .ipynb on the server.
 */
type Origin = { path: string; last_modified: string };

const encodePath = (p: string) => p.split("/").map(encodeURIComponent).join("/");

/** A path inside the user's home: relative, no `..`, an .ipynb when `notebook`. */
function checkedPath(path: string, notebook: boolean): string {
  const p = path.replace(/^\/+/, "");
  if (!p || p.split("/").some((s) => s === ".." || s === "." || s === "") || p.length > 1000) throw new ValidationError("path: not a path inside your home", "path");
  if (notebook && !p.endsWith(".ipynb")) throw new ValidationError("path: must name an .ipynb file", "path");
  return p;
}

/** The user's default server (where the Files page points), reachable by this request's credentials. */
async function server(ctx: Ctx) {
  const user = requireUser(ctx);
  await requireScopes(ctx.db, ctx.actor, ["access:servers"], { user: user.name, server: `${user.name}/` });
  const t = await kernelTarget(ctx.db, user.id);
  if (!t) throw new NoServerError("Start your server first: your files are on it");
  return { user, t, auth: { authorization: `token ${t.token}` } };
}

const originOf = (doc: NotebookDoc) => ((doc.metadata?.kiln as { origin?: Origin } | undefined)?.origin ?? null);

/** POST /api/notebooks/open-file: the notebook for an .ipynb on the user's server (imported the first time). */
export async function openServerNotebook({ ctx, input }: { ctx: Ctx; input: { path: string; reimport?: boolean } }) {
  const path = checkedPath(input.path, true);
  const { user, t, auth } = await server(ctx);
  const r = await upstreamFetch(t.upstream, `${t.basePath}api/contents/${encodePath(path)}?type=notebook&content=1`, { headers: auth, timeoutMs: 60_000 });
  if (r.status === 404) throw new NotFoundError(`No notebook at ${path} on your server`, "path");
  if (!r.ok) throw new ValidationError(`path: ${path} is not a notebook Jupyter can read (HTTP ${r.status})`, "path");
  const file = await r.json<{ name: string; last_modified: string; content: NotebookDoc }>();
  const [existing] = await ctx.db
    .select()
    .from(notebooks)
    .where(and(eq(notebooks.ownerId, user.id), isNull(notebooks.deletedAt), sql`${notebooks.content}->'metadata'->'kiln'->'origin'->>'path' = ${path}`))
    .limit(1);
  const changed = !!existing && originOf(existing.content)?.last_modified !== file.last_modified;
  if (existing && !(input.reimport && changed)) return { notebook: notebookSummary(existing), imported: false, file_changed: changed };
  const content = { ...file.content, metadata: { ...file.content.metadata, kiln: { ...(file.content.metadata?.kiln as object), origin: { path, last_modified: file.last_modified } } } };
  const name = existing?.name ?? file.name.replace(/\.ipynb$/, "");
  const done = await importNotebook({ ctx, input: { name, file: content, onConflict: existing ? "overwrite" : "copy" } });
  return { notebook: done.notebook, imported: true, file_changed: false };
}

/** POST /api/notebooks/{id}/save-to-server: the notebook as an .ipynb in the user's files (where it came from, by default). */
export async function saveNotebookToServer({ ctx, input }: { ctx: Ctx; input: { id: number; path?: string } }) {
  const { name, content } = await exportNotebook({ ctx, input: { id: input.id } });
  const path = checkedPath(input.path ?? originOf(content)?.path ?? `${name}.ipynb`, true);
  const { t, auth } = await server(ctx);
  const r = await upstreamFetch(t.upstream, `${t.basePath}api/contents/${encodePath(path)}`, {
    method: "PUT", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ type: "notebook", format: "json", content }), timeoutMs: 60_000,
  });
  if (r.status === 404) throw new NotFoundError(`path: no folder for ${path} on your server`, "path");
  if (!r.ok) throw new ValidationError(`path: Jupyter could not save ${path} (HTTP ${r.status}: ${(await r.text()).slice(0, 200)})`, "path");
  const saved = await r.json<{ path: string; last_modified: string }>();
  // The file is this notebook now: opening it again opens this notebook, unchanged. (Metadata
  // only, in place: an open editor's revision stays valid.)
  const origin = JSON.stringify({ path: saved.path, last_modified: saved.last_modified });
  await ctx.db
    .update(notebooks)
    .set({ content: sql`jsonb_set(${notebooks.content}, '{metadata,kiln}', coalesce(${notebooks.content}->'metadata'->'kiln', '{}'::jsonb) || jsonb_build_object('origin', ${origin}::jsonb))` })
    .where(eq(notebooks.id, input.id));
  return { path: saved.path, last_modified: saved.last_modified };
}

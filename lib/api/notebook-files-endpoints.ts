// Notebooks and the files on the user's server (lib/notebooks/server-files.ts).
import { z } from "zod";
import * as nb from "../notebooks/schemas";
import { endpoint } from "./endpoint";
import { errorModel } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };
const filePath = z.string().min(1).max(1000).describe("A path in your home on your server, e.g. analysis/explore.ipynb");

export const notebookFileEndpoints = {
  openServerNotebook: endpoint({
    method: "POST", path: "/api/notebooks/open-file", tag: "notebooks", auth: "user", scopes: ["notebooks"],
    summary: "The notebook for an .ipynb in your server's files: imported the first time, Kiln's copy after (reimport: import a changed file again over it)",
    body: z.object({ path: filePath, reimport: z.boolean().default(false) }),
    responses: {
      200: {
        description: "The notebook, whether it was imported now, and whether the file changed since Kiln's copy was made",
        schema: z.object({ notebook: z.record(z.string(), z.unknown()), imported: z.boolean(), file_changed: z.boolean() }),
      },
      400: err("Not a notebook path"), 404: err("No such file"), 409: err("No server running"), ...authErrors,
    },
  }),
  saveNotebookToServer: endpoint({
    method: "POST", path: "/api/notebooks/{id}/save-to-server", tag: "notebooks", auth: "user", scopes: ["notebooks"],
    summary: "Save a notebook as an .ipynb in your server's files (where it came from, else <name>.ipynb)",
    params: nb.notebookId, body: z.object({ path: filePath.optional() }).default({}),
    responses: {
      200: { description: "Where it was saved", schema: z.object({ path: z.string(), last_modified: z.string() }) },
      400: err("Not a notebook path"), 404: err("No such notebook or folder"), 409: err("No server running"), ...authErrors,
    },
  }),
};

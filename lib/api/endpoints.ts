import { z } from "zod";
import { endpoint, onGroup, onServer, onUser } from "./endpoint";
import { imageBody, imagePatch } from "../images/manage";
import { serverName, serverOptions } from "../servers/options";
import * as s from "./schemas";
import * as nb from "../notebooks/schemas";
import { datasetEndpoints } from "./datasets-endpoints";
import { runEndpoints } from "./runs-endpoints";
import { adminEndpoints } from "./admin-endpoints";
import { gpuEndpoints } from "./gpu-endpoints";
import { modelEndpoints } from "./models-endpoints";
import { endpointEndpoints } from "./endpoints-endpoints";
import { servingExtraEndpoints } from "./serving-extra-endpoints";
import { notebookFileEndpoints } from "./notebook-files-endpoints";

const nameParam = z.object({ name: s.userName });
const groupParam = z.object({ name: s.groupName });
const err = (description: string) => ({ description, schema: s.errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };

export const endpoints = {
  health: endpoint({
    method: "GET", path: "/api/health", tag: "system", auth: "none", summary: "Liveness and database health",
    responses: { 200: { description: "Healthy", schema: s.healthModel }, 503: { description: "Database unavailable", schema: s.healthModel } },
  }),
  openapi: endpoint({
    method: "GET", path: "/api/openapi.json", tag: "system", auth: "none", summary: "This OpenAPI document",
    responses: { 200: { description: "OpenAPI 3.1 document" } },
  }),
  metrics: endpoint({
    method: "GET", path: "/metrics", tag: "system", auth: "admin", scopes: ["read:metrics"], summary: "Prometheus metrics (admin unless KILN_METRICS_PUBLIC)",
    responses: { 200: { description: "Prometheus text format" }, ...authErrors },
  }),
  signUp: endpoint({
    method: "POST", path: "/api/auth/signup", tag: "auth", auth: "none", summary: "Create an account with email and password",
    body: s.signUpBody,
    responses: {
      201: { description: "Created; sign in next", schema: s.userModel },
      400: err("Invalid field"), 403: err("Sign-up is closed"), 409: err("Email or name already taken"), 429: err("Too many attempts"),
    },
  }),
  getSettings: endpoint({
    method: "GET", path: "/api/settings", tag: "admin", auth: "admin", scopes: ["read:hub"], summary: "Instance settings",
    responses: { 200: { description: "Settings", schema: s.settingsModel }, ...authErrors },
  }),
  patchSettings: endpoint({
    method: "PATCH", path: "/api/settings", tag: "admin", auth: "admin", scopes: ["admin:hub"], summary: "Change instance settings (open or close sign-up)",
    body: s.patchSettingsBody,
    responses: { 200: { description: "Settings", schema: s.settingsModel }, 400: err("Invalid field"), ...authErrors },
  }),
  listInvites: endpoint({
    method: "GET", path: "/api/invites", tag: "admin", auth: "admin", scopes: ["admin:users"], summary: "Invitations (without their codes)",
    responses: { 200: { description: "Invitations", schema: z.array(s.inviteModel) }, ...authErrors },
  }),
  createInvite: endpoint({
    method: "POST", path: "/api/invites", tag: "admin", auth: "admin", scopes: ["admin:users"], summary: "Invite someone: the sign-up link works while sign-up is closed",
    body: s.createInviteBody,
    responses: { 201: { description: "Created; the code is shown once", schema: s.newInviteModel }, 400: err("Invalid field"), ...authErrors },
  }),
  revokeInvite: endpoint({
    method: "DELETE", path: "/api/invites/{id}", tag: "admin", auth: "admin", scopes: ["admin:users"], summary: "Withdraw an invitation",
    params: z.object({ id: s.idParam }),
    responses: { 204: { description: "Withdrawn" }, 404: err("No such invitation"), ...authErrors },
  }),
  hubVersion: endpoint({
    method: "GET", path: "/hub/api/", tag: "system", auth: "none", summary: "The JupyterHub API version (what JupyterHub's clients check first)",
    responses: { 200: { description: "Version", schema: s.hubVersionModel } },
  }),
  hubInfo: endpoint({
    method: "GET", path: "/hub/api/info", tag: "system", auth: "admin", scopes: ["read:hub"], summary: "Versions, the runtime, the spawner and sign-in (JupyterHub's shape)",
    responses: { 200: { description: "Info", schema: s.hubInfoModel }, ...authErrors },
  }),
  currentUser: endpoint({
    method: "GET", path: "/hub/api/user", tag: "users", auth: "user", scopes: [], summary: "The user (or service) owning the credentials",
    responses: {
      200: {
        description: "Current identity, with the scopes its credentials carry",
        schema: z.union([s.scopedUserModel.extend({ scopes: z.array(z.string()), token_id: z.string().nullable() }), s.serviceModel.extend({ scopes: z.array(z.string()) })]),
      },
      401: err("No valid credentials"),
    },
  }),
  listUsers: endpoint({
    method: "GET", path: "/hub/api/users", tag: "users", auth: "admin", scopes: ["list:users"], filtersInternally: true,
    summary: "List users (a page; JupyterHub's paginated shape with Accept: application/jupyterhub-pagination+json)",
    query: z.object({
      offset: s.offsetParam.default(0),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
      state: z.enum(["active", "ready", "inactive"]).optional().describe("Users with any server, a ready server, or none"),
      name_filter: z.string().max(255).optional().describe("Users whose name contains this"),
    }),
    responses: {
      200: { description: "Users, with the fields the token's scopes cover", schema: z.union([z.array(s.scopedUserModel), s.paginated(s.scopedUserModel)]) },
      400: err("Invalid field"), ...authErrors,
    },
  }),
  createUsers: endpoint({
    method: "POST", path: "/hub/api/users", tag: "users", auth: "admin", scopes: ["admin:users"], summary: "Create several users",
    body: s.createUsersBody,
    responses: { 201: { description: "Created users", schema: z.array(s.userModel) }, 400: err("Invalid field"), 409: err("All exist"), ...authErrors },
  }),
  getUser: endpoint({
    method: "GET", path: "/hub/api/users/{name}", tag: "users", auth: "user", scopes: ["read:users", "read:users:name", "read:users:groups", "read:users:activity", "read:servers"], scopeOn: onUser, summary: "One user (the user themself or an admin)",
    params: nameParam,
    responses: { 200: { description: "User, with the fields the token's scopes cover", schema: s.scopedUserModel }, 404: err("No such user"), ...authErrors },
  }),
  userActivity: endpoint({
    method: "POST", path: "/hub/api/users/{name}/activity", tag: "users", auth: "user", scopes: ["users:activity"], scopeOn: onUser,
    summary: "Record the user's and their servers' last activity, as JupyterHub's single-user servers report it (moves forward only)",
    params: nameParam, body: s.activityBody,
    responses: { 204: { description: "Recorded" }, 400: err("Invalid field, or no such server"), 404: err("No such user"), ...authErrors },
  }),
  createUser: endpoint({
    method: "POST", path: "/hub/api/users/{name}", tag: "users", auth: "admin", scopes: ["admin:users"], scopeOn: onUser, summary: "Create a user",
    params: nameParam, body: s.createUserBody,
    responses: { 201: { description: "Created", schema: s.userModel }, 400: err("Invalid field"), 409: err("Exists"), ...authErrors },
  }),
  patchUser: endpoint({
    method: "PATCH", path: "/hub/api/users/{name}", tag: "users", auth: "admin", scopes: ["admin:users"], scopeOn: onUser, summary: "Change a user (admin flag, display name)",
    params: nameParam, body: s.patchUserBody,
    responses: { 200: { description: "Changed", schema: s.userModel }, 400: err("Invalid field"), 404: err("No such user"), 422: err("Would leave no admin"), ...authErrors },
  }),
  deleteUser: endpoint({
    method: "DELETE", path: "/hub/api/users/{name}", tag: "users", auth: "admin", scopes: ["delete:users"], scopeOn: onUser,
    summary: "Delete a user: their servers stop, tokens and sessions go; their files are deleted after KILN_HOME_GRACE_DAYS (home=delete) or kept (home=archive)",
    params: nameParam,
    query: z.object({ home: z.enum(["delete", "archive"]).default("delete").describe("What becomes of the user's files") }),
    responses: { 204: { description: "Deleted" }, 404: err("No such user"), 422: err("Would leave no admin"), ...authErrors },
  }),
  endSessions: endpoint({
    method: "DELETE", path: "/hub/api/users/{name}/sessions", tag: "users", auth: "user", scopes: ["users:sessions"], scopeOn: onUser,
    summary: "Sign out everywhere: end every browser session of the user (the user themself or an admin); API tokens stay valid",
    params: nameParam,
    responses: { 200: { description: "Ended", schema: s.sessionsEndedModel }, 404: err("No such user"), ...authErrors },
  }),
  listTokens: endpoint({
    method: "GET", path: "/hub/api/users/{name}/tokens", tag: "tokens", auth: "user", scopes: ["read:tokens"], scopeOn: onUser, summary: "A user's API tokens",
    params: nameParam,
    responses: { 200: { description: "Tokens", schema: z.object({ api_tokens: z.array(s.tokenModel), oauth_tokens: z.array(z.unknown()) }) }, 404: err("No such user"), ...authErrors },
  }),
  createToken: endpoint({
    method: "POST", path: "/hub/api/users/{name}/tokens", tag: "tokens", auth: "user", scopes: ["tokens"], scopeOn: onUser, summary: "Create an API token (the secret is returned once)",
    params: nameParam, body: s.createTokenBody,
    responses: { 201: { description: "Created", schema: s.newTokenModel }, 400: err("Invalid field"), 404: err("No such user"), ...authErrors },
  }),
  getToken: endpoint({
    method: "GET", path: "/hub/api/users/{name}/tokens/{token_id}", tag: "tokens", auth: "user", scopes: ["read:tokens"], scopeOn: onUser, summary: "One API token",
    params: nameParam.extend({ token_id: s.tokenId }),
    responses: { 200: { description: "Token", schema: s.tokenModel }, 404: err("No such token"), ...authErrors },
  }),
  deleteToken: endpoint({
    method: "DELETE", path: "/hub/api/users/{name}/tokens/{token_id}", tag: "tokens", auth: "user", scopes: ["tokens"], scopeOn: onUser, summary: "Revoke an API token",
    params: nameParam.extend({ token_id: s.tokenId }),
    responses: { 204: { description: "Revoked" }, 404: err("No such token"), ...authErrors },
  }),
  startServer: endpoint({
    method: "POST", path: "/hub/api/users/{name}/server", tag: "servers", auth: "user", scopes: ["start:servers"], scopeOn: onServer, summary: "Start the user's default server",
    params: nameParam, body: serverOptions,
    responses: {
      201: { description: "Ready", schema: s.serverModel }, 202: { description: "Starting: follow progress_url", schema: s.serverModel },
      400: err("Unknown image, a value over the image's maximum"), 409: err("Already running"), 422: err("The spawn failed (the reason is in the message)"),
      429: err("Too many spawns at once"), ...authErrors,
    },
  }),
  startNamedServer: endpoint({
    method: "POST", path: "/hub/api/users/{name}/servers/{server_name}", tag: "servers", auth: "user", scopes: ["start:servers"], scopeOn: onServer, summary: "Start a named server",
    params: nameParam.extend({ server_name: serverName }), body: serverOptions,
    responses: {
      201: { description: "Ready", schema: s.serverModel }, 202: { description: "Starting", schema: s.serverModel },
      400: err("Bad name or options"), 409: err("Already running"), 429: err("Too many spawns at once"), ...authErrors,
    },
  }),
  stopServer: endpoint({
    method: "DELETE", path: "/hub/api/users/{name}/server", tag: "servers", auth: "user", scopes: ["delete:servers"], scopeOn: onServer, summary: "Stop the default server",
    params: nameParam,
    responses: { 204: { description: "Stopped" }, 404: err("Not running"), ...authErrors },
  }),
  stopNamedServer: endpoint({
    method: "DELETE", path: "/hub/api/users/{name}/servers/{server_name}", tag: "servers", auth: "user", scopes: ["delete:servers"], scopeOn: onServer, summary: "Stop a named server",
    params: nameParam.extend({ server_name: serverName }),
    responses: { 204: { description: "Stopped" }, 400: err("Bad name"), 404: err("Not running"), ...authErrors },
  }),
  serverProgress: endpoint({
    method: "GET", path: "/hub/api/users/{name}/server/progress", tag: "servers", auth: "user", scopes: ["read:servers"], scopeOn: onServer, summary: "Spawn progress (server-sent events)",
    params: nameParam,
    responses: { 200: { description: "text/event-stream of {progress, message, ready?, failed?, url?}" }, ...authErrors },
  }),
  namedServerProgress: endpoint({
    method: "GET", path: "/hub/api/users/{name}/servers/{server_name}/progress", tag: "servers", auth: "user", scopes: ["read:servers"], scopeOn: onServer, summary: "Named server spawn progress (server-sent events)",
    params: nameParam.extend({ server_name: serverName }),
    responses: { 200: { description: "text/event-stream" }, ...authErrors },
  }),
  listImages: endpoint({
    method: "GET", path: "/api/images", tag: "servers", auth: "user", scopes: ["read:images"], summary: "The image catalog (admins also see disabled images)",
    responses: { 200: { description: "Images (default: the one a server gets when none is asked for, KILN_DEFAULT_IMAGE)", schema: z.array(imageBody.extend({ name: z.string(), default: z.boolean() })) }, 401: err("No valid credentials") },
  }),
  createImage: endpoint({
    method: "POST", path: "/api/images/{image}", tag: "servers", auth: "admin", scopes: ["admin:images"], summary: "Add an image to the catalog",
    params: z.object({ image: s.groupName }), body: imageBody,
    responses: { 201: { description: "Added" }, 400: err("Invalid field"), 409: err("Exists"), ...authErrors },
  }),
  updateImage: endpoint({
    method: "PATCH", path: "/api/images/{image}", tag: "servers", auth: "admin", scopes: ["admin:images"], summary: "Change a catalog image (limits, reference, enabled)",
    params: z.object({ image: s.groupName }), body: imagePatch,
    responses: { 200: { description: "Changed" }, 400: err("Invalid field"), 404: err("No such image"), ...authErrors },
  }),
  listServers: endpoint({
    method: "GET", path: "/api/servers", tag: "servers", auth: "admin", scopes: ["read:servers"], filtersInternally: true, summary: "Every running server with its owner",
    responses: { 200: { description: "Servers", schema: z.array(s.serverModel.extend({ user: z.string() })) }, ...authErrors },
  }),
  capacity: endpoint({
    method: "GET", path: "/api/capacity", tag: "servers", auth: "admin", scopes: ["read:hub"], summary: "The warm pool's state and the GPU inventory with who holds each device",
    responses: {
      200: {
        description: "Capacity",
        schema: z.object({
          warm_pool: z.array(z.object({ image: z.string(), size: z.number(), ready: z.number(), starting: z.number() })),
          gpus: z.array(z.object({ index: z.number(), id: z.string(), name: z.string(), memory_mb: z.number(), held_by: z.string().nullable() })),
        }),
      },
      ...authErrors,
    },
  }),
  listNotebooks: endpoint({
    method: "GET", path: "/api/notebooks", tag: "notebooks", auth: "user", scopes: ["read:notebooks"], summary: "Your notebooks, newest first; ?q= filters by name, ?deleted=1 lists the recoverable ones",
    query: nb.listQuery,
    responses: { 200: { description: "Notebooks", schema: z.array(nb.notebookSummary) }, ...authErrors },
  }),
  createNotebook: endpoint({
    method: "POST", path: "/api/notebooks", tag: "notebooks", auth: "user", scopes: ["notebooks"], summary: "Create a notebook (one empty code cell unless cells are given)",
    body: nb.createBody, maxBodyBytes: 32 * 1024 * 1024,
    responses: { 201: { description: "Created", schema: nb.notebookModel }, 400: err("Invalid field"), 409: err("Name taken"), ...authErrors },
  }),
  importNotebook: endpoint({
    method: "POST", path: "/api/notebooks/import", tag: "notebooks", auth: "user", scopes: ["notebooks"], summary: "Import an .ipynb (the body), validated against the nbformat 4 schema",
    query: z.object({
      name: nb.notebookName,
      on_conflict: z.enum(["refuse", "copy", "overwrite"]).default("refuse")
        .describe("When the name is in use: refuse (409), copy (\"<name> copy\"), or overwrite (the old content kept as a revision; 200)"),
    }),
    body: z.unknown(), maxBodyBytes: 64 * 1024 * 1024,
    responses: {
      200: { description: "Replaced the notebook of that name (on_conflict=overwrite)", schema: nb.notebookModel },
      201: { description: "Imported", schema: nb.notebookModel },
      400: err("Not a valid nbformat 4 notebook: the first schema error"), 409: err("Name taken"), 413: err("Too large"), ...authErrors,
    },
  }),
  getNotebook: endpoint({
    method: "GET", path: "/api/notebooks/{id}", tag: "notebooks", auth: "user", scopes: ["read:notebooks"], summary: "A notebook, with the outputs of running cells so far",
    params: nb.notebookId,
    responses: { 200: { description: "Notebook", schema: nb.notebookModel }, 404: err("No such notebook (or not yours)"), ...authErrors },
  }),
  saveNotebook: endpoint({
    method: "PATCH", path: "/api/notebooks/{id}", tag: "notebooks", auth: "user", scopes: ["notebooks"], summary: "Rename, or save cells (sources and metadata; outputs stay Kiln's)",
    params: nb.notebookId, body: nb.saveBody, maxBodyBytes: 32 * 1024 * 1024,
    responses: { 200: { description: "Saved", schema: nb.notebookModel }, 400: err("Invalid field"), 404: err("No such notebook"), 409: err("Edited elsewhere since that revision, or name taken"), ...authErrors },
  }),
  deleteNotebook: endpoint({
    method: "DELETE", path: "/api/notebooks/{id}", tag: "notebooks", auth: "user", scopes: ["notebooks"], summary: "Delete (recoverable for 30 days)",
    params: nb.notebookId,
    responses: { 204: { description: "Deleted" }, 404: err("No such notebook"), ...authErrors },
  }),
  undeleteNotebook: endpoint({
    method: "POST", path: "/api/notebooks/{id}/undelete", tag: "notebooks", auth: "user", scopes: ["notebooks"], summary: "Bring a deleted notebook back",
    params: nb.notebookId,
    responses: { 200: { description: "Back", schema: nb.notebookModel }, 404: err("No such notebook"), 409: err("Its name is taken now"), ...authErrors },
  }),
  duplicateNotebook: endpoint({
    method: "POST", path: "/api/notebooks/{id}/duplicate", tag: "notebooks", auth: "user", scopes: ["notebooks"], summary: "Copy a notebook (\"<name> copy\" unless named)",
    params: nb.notebookId, body: nb.duplicateBody,
    responses: { 201: { description: "Copied", schema: nb.notebookModel }, 404: err("No such notebook"), 409: err("Name taken"), ...authErrors },
  }),
  exportNotebook: endpoint({
    method: "GET", path: "/api/notebooks/{id}/export", tag: "notebooks", auth: "user", scopes: ["read:notebooks"], summary: "Download as .ipynb (nbformat 4.5)",
    params: nb.notebookId,
    responses: { 200: { description: "The .ipynb file" }, 404: err("No such notebook"), ...authErrors },
  }),
  listRevisions: endpoint({
    method: "GET", path: "/api/notebooks/{id}/revisions", tag: "notebooks", auth: "user", scopes: ["read:notebooks"], summary: "Saved revisions, newest first",
    params: nb.notebookId,
    responses: { 200: { description: "Revisions", schema: z.array(nb.revisionModel) }, 404: err("No such notebook"), ...authErrors },
  }),
  restoreRevision: endpoint({
    method: "POST", path: "/api/notebooks/{id}/revisions/{rev}/restore", tag: "notebooks", auth: "user", scopes: ["notebooks"], summary: "Make an older revision current (the current one is kept as a revision first)",
    params: nb.notebookId.extend({ rev: s.idParam }),
    responses: { 200: { description: "Restored", schema: nb.notebookModel }, 404: err("No such notebook or revision"), ...authErrors },
  }),
  clearOutputs: endpoint({
    method: "POST", path: "/api/notebooks/{id}/clear-outputs", tag: "notebooks", auth: "user", scopes: ["notebooks"], summary: "Clear the outputs of some cells (all when cell_ids is left out)",
    params: nb.notebookId, body: z.object({ cell_ids: z.array(z.string()).optional() }).default({}),
    responses: { 200: { description: "Cleared", schema: nb.notebookModel }, 404: err("No such notebook"), ...authErrors },
  }),
  executeCell: endpoint({
    method: "POST", path: "/api/notebooks/{id}/execute", tag: "execution", auth: "user", scopes: ["notebooks"], summary: "Run code for a cell in the notebook's kernel; outputs arrive on /events and are stored",
    params: nb.notebookId, body: nb.executeBody, maxBodyBytes: 2 * 1024 * 1024,
    responses: { 202: { description: "Queued", schema: nb.executionModel }, 404: err("No such notebook"), 409: err("No server running: start one first"), ...authErrors },
  }),
  notebookEvents: endpoint({
    method: "GET", path: "/api/notebooks/{id}/events", tag: "execution", auth: "user", scopes: ["read:notebooks"], summary: "Server-sent events: executions, outputs, kernel state; resumes after Last-Event-ID",
    params: nb.notebookId,
    responses: { 200: { description: "text/event-stream" }, 404: err("No such notebook"), ...authErrors },
  }),
  getKernel: endpoint({
    method: "GET", path: "/api/notebooks/{id}/kernel", tag: "execution", auth: "user", scopes: ["read:notebooks"], summary: "The notebook's kernel and the server it runs on",
    params: nb.notebookId,
    responses: { 200: { description: "Kernel", schema: nb.kernelModel }, 404: err("No such notebook"), ...authErrors },
  }),
  interruptKernel: endpoint({
    method: "POST", path: "/api/notebooks/{id}/kernel/interrupt", tag: "execution", auth: "user", scopes: ["notebooks"], summary: "Interrupt the running cell (queued ones are dropped)",
    params: nb.notebookId,
    responses: { 200: { description: "Kernel", schema: nb.kernelModel }, 404: err("No such notebook"), 409: err("No kernel"), ...authErrors },
  }),
  restartKernel: endpoint({
    method: "POST", path: "/api/notebooks/{id}/kernel/restart", tag: "execution", auth: "user", scopes: ["notebooks"], summary: "Restart the kernel (variables are lost; the notebook is not)",
    params: nb.notebookId,
    responses: { 200: { description: "Kernel", schema: nb.kernelModel }, 404: err("No such notebook"), 409: err("No server running"), ...authErrors },
  }),
  answerInput: endpoint({
    method: "POST", path: "/api/notebooks/{id}/input", tag: "execution", auth: "user", scopes: ["notebooks"], summary: "Answer the kernel's input() prompt",
    params: nb.notebookId, body: nb.inputBody,
    responses: { 204: { description: "Sent" }, 404: err("No such notebook"), 409: err("No prompt is waiting"), ...authErrors },
  }),
  executionOutput: endpoint({
    method: "GET", path: "/api/executions/{id}/outputs/{index}", tag: "execution", auth: "user", scopes: ["read:notebooks"], summary: "One output in full, as text (what the page truncates)",
    params: z.object({ id: s.idParam, index: s.offsetParam }),
    responses: { 200: { description: "text/plain" }, 404: err("No such output"), ...authErrors },
  }),
  listGroups: endpoint({
    method: "GET", path: "/hub/api/groups", tag: "groups", auth: "admin", scopes: ["list:groups"], filtersInternally: true, summary: "List groups",
    responses: { 200: { description: "Groups", schema: z.array(s.groupModel) }, ...authErrors },
  }),
  getGroup: endpoint({
    method: "GET", path: "/hub/api/groups/{name}", tag: "groups", auth: "admin", scopes: ["read:groups"], scopeOn: onGroup, summary: "One group",
    params: groupParam,
    responses: { 200: { description: "Group", schema: s.groupModel }, 404: err("No such group"), ...authErrors },
  }),
  createGroup: endpoint({
    method: "POST", path: "/hub/api/groups/{name}", tag: "groups", auth: "admin", scopes: ["admin:groups"], scopeOn: onGroup, summary: "Create a group",
    params: groupParam, body: s.createGroupBody,
    responses: { 201: { description: "Created", schema: s.groupModel }, 400: err("Unknown user"), 409: err("Exists"), ...authErrors },
  }),
  deleteGroup: endpoint({
    method: "DELETE", path: "/hub/api/groups/{name}", tag: "groups", auth: "admin", scopes: ["delete:groups"], scopeOn: onGroup, summary: "Delete a group",
    params: groupParam,
    responses: { 204: { description: "Deleted" }, 404: err("No such group"), ...authErrors },
  }),
  addGroupUsers: endpoint({
    method: "POST", path: "/hub/api/groups/{name}/users", tag: "groups", auth: "admin", scopes: ["groups"], scopeOn: onGroup, summary: "Add users to a group",
    params: groupParam, body: s.groupUsersBody,
    responses: { 200: { description: "Group", schema: s.groupModel }, 400: err("Unknown user"), 404: err("No such group"), ...authErrors },
  }),
  removeGroupUsers: endpoint({
    method: "DELETE", path: "/hub/api/groups/{name}/users", tag: "groups", auth: "admin", scopes: ["groups"], scopeOn: onGroup, summary: "Remove users from a group",
    params: groupParam, body: s.groupUsersBody,
    responses: { 200: { description: "Group", schema: s.groupModel }, 404: err("No such group"), ...authErrors },
  }),
  ...runEndpoints,
  ...adminEndpoints,
  ...gpuEndpoints,
  ...modelEndpoints,
  ...endpointEndpoints,
  ...servingExtraEndpoints,
  ...notebookFileEndpoints,
  ...datasetEndpoints,
};

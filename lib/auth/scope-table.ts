/**
 * The scopes a Kiln token may carry: JupyterHub's names and hierarchy for what Kiln shares with
 * JupyterHub (users, servers, tokens, groups, the hub), and Kiln's own, named in the same style,
 * for its other APIs. A scope grants its subscopes too. docs/scopes.md is the reader's version.
 */

/** The filters a scope may be narrowed by: `!user=alice`, `!server=alice/lab`, `!group=team`. */
export type FilterKind = "user" | "server" | "group";

interface ScopeDefinition {
  description: string;
  subscopes?: readonly string[];
  /** The filters that mean something for this scope; none: it cannot be filtered. */
  filters?: readonly FilterKind[];
  /** Kiln's own (not one of JupyterHub's). */
  kiln?: true;
}

const onUsers = ["user", "group"] as const;
const onServers = ["user", "server", "group"] as const;

export const SCOPES = {
  "admin:users": {
    description: "Create, change and delete users; invitations, sign-up and deleted users' files (not their servers or tokens)",
    subscopes: ["users", "delete:users"],
    filters: onUsers,
  },
  users: { description: "Read users' models, record their activity, end their browser sessions", subscopes: ["read:users", "list:users", "users:activity", "users:sessions"], filters: onUsers },
  "delete:users": { description: "Delete users", filters: onUsers },
  "list:users": { description: "List users, with at least their names", subscopes: ["read:users:name"], filters: onUsers },
  "read:users": { description: "Read user models (not their servers, tokens or authentication state)", subscopes: ["read:users:name", "read:users:groups", "read:users:activity"], filters: onUsers },
  "read:users:name": { description: "Read users' names", filters: onUsers },
  "read:users:groups": { description: "Read users' group memberships", filters: onUsers },
  "read:users:activity": { description: "Read users' last activity", filters: onUsers },
  "users:activity": { description: "Record users' and their servers' last activity", subscopes: ["read:users:activity"], filters: onUsers },
  "users:sessions": { description: "End users' browser sessions (sign out everywhere)", filters: onUsers, kiln: true },
  "admin:servers": { description: "Start, stop and read any user servers (Kiln keeps no server state for clients)", subscopes: ["servers"], filters: onServers },
  servers: { description: "Start and stop user servers", subscopes: ["read:servers", "start:servers", "delete:servers", "read:images"], filters: onServers },
  "start:servers": { description: "Start users' servers (JupyterHub 6's name; `servers` includes it)", filters: onServers },
  "read:servers": { description: "Read users' names and their server models", subscopes: ["read:users:name"], filters: onServers },
  "delete:servers": { description: "Stop users' servers", filters: onServers },
  "access:servers": { description: "Reach user servers through /user/ (Jupyter's REST API, kernels, terminals), from the API or a browser", filters: onServers },
  tokens: { description: "Create, read and revoke users' API tokens", subscopes: ["read:tokens"], filters: onUsers },
  "read:tokens": { description: "Read users' API tokens (never their secrets)", filters: onUsers },
  "admin:groups": { description: "Create and delete groups, change their members", subscopes: ["groups", "delete:groups"], filters: ["group"] },
  groups: { description: "Read groups and change their members", subscopes: ["read:groups", "list:groups"], filters: ["group"] },
  "list:groups": { description: "List groups, with at least their names", subscopes: ["read:groups:name"], filters: ["group"] },
  "read:groups": { description: "Read group models", subscopes: ["read:groups:name"], filters: ["group"] },
  "read:groups:name": { description: "Read group names", filters: ["group"] },
  "delete:groups": { description: "Delete groups", filters: ["group"] },
  "read:hub": { description: "Read detailed information about Kiln: /hub/api/info, settings, isolation, capacity" },
  "admin:hub": { description: "Change instance settings (open or close sign-up)", subscopes: ["read:hub"], kiln: true },
  "read:metrics": { description: "Read Prometheus metrics" },
  notebooks: { description: "Create, change, delete and run notebooks (runs code in your kernels), the notebook channel", subscopes: ["read:notebooks"], kiln: true },
  "read:notebooks": { description: "Read notebooks, their revisions, exports, outputs and events", kiln: true },
  runs: { description: "Log to runs, share them, start whole-notebook runs and reproductions", subscopes: ["read:runs"], kiln: true },
  "read:runs": { description: "Read runs: params, metrics, artifacts, executed notebooks, comparisons", kiln: true },
  datasets: { description: "Create datasets, upload versions, change checks and sharing", subscopes: ["read:datasets"], kiln: true },
  "read:datasets": { description: "Read datasets, versions, files, diffs and lineage", kiln: true },
  models: { description: "Register model versions, move aliases, change and delete models", subscopes: ["read:models"], kiln: true },
  "read:models": { description: "Read registered models, their versions, signatures, lineage and files", kiln: true },
  pipelines: { description: "Create, edit and delete pipelines", subscopes: ["read:pipelines"], kiln: true },
  "read:pipelines": { description: "Read pipelines and their versions", kiln: true },
  "admin:images": { description: "Add and change images in the catalog", subscopes: ["read:images"], kiln: true },
  "read:images": { description: "Read the image catalog", kiln: true },
} as const satisfies Record<string, ScopeDefinition>;

export type ScopeName = keyof typeof SCOPES;
type Definition = Omit<ScopeDefinition, "subscopes"> & { subscopes?: readonly ScopeName[] };
// (a misspelt subscope fails to compile here)
const TABLE: Record<ScopeName, Definition> = SCOPES;

/** Metascopes: `self` (your own resources) and `inherit` (everything the owner may do, the default). */
export const METASCOPES = {
  self: "Your own resources: your user model, activity, sessions, servers, tokens; your notebooks, runs, datasets, models, pipelines; the image catalog",
  inherit: "Everything the token's owner may do (the default)",
} as const;

export const isScopeName = (name: string): name is ScopeName => Object.hasOwn(SCOPES, name);

export const definitionOf = (name: ScopeName): Definition => TABLE[name];

/**
 * What `self` means for a user, as JupyterHub's (`!user=<name>` on each), plus Kiln's own
 * resources, which take no filter: their verbs already limit them to what the owner may see.
 */
export const SELF_USER_SCOPES: readonly ScopeName[] = [
  "read:users", "read:users:name", "read:users:groups", "users:activity", "read:users:activity", "users:sessions",
  "servers", "start:servers", "delete:servers", "read:servers", "tokens", "read:tokens", "access:servers",
];
export const SELF_KILN_SCOPES: readonly ScopeName[] = ["notebooks", "read:notebooks", "runs", "read:runs", "datasets", "read:datasets", "models", "read:models", "pipelines", "read:pipelines", "read:images"];

import type { UserModel } from "../api/schemas";
import type { Principal } from "../auth/principal";
import { permits, scopesOf } from "../auth/scope-check";
import type { ScopeName } from "../auth/scope-table";

/** A user model with only the fields the caller's scopes cover (always kind and name). */
export type VisibleUserModel = Partial<UserModel> & Pick<UserModel, "kind" | "name">;

// JupyterHub's vertical filtering: which scope shows which fields of a user model.
const FIELDS: [ScopeName, (keyof UserModel)[]][] = [
  ["read:users", ["admin", "roles", "groups", "created", "last_activity", "server", "pending", "email", "display_name"]],
  ["read:users:name", ["admin"]],
  ["read:users:groups", ["groups"]],
  ["read:users:activity", ["last_activity"]],
];

/**
 * The model as the caller may see it. Sessions and unlimited tokens see all of it (the verb
 * has checked the owner may); a token limited by scopes sees what they cover, `servers`
 * narrowed to the servers `read:servers` names. `identify`: the caller's own name and groups
 * (GET /hub/api/user answers every token that much).
 */
export function visibleUserModel(actor: Principal | null, m: UserModel, identify = false): VisibleUserModel {
  if (!scopesOf(actor)) return m;
  const who = { user: m.name, groups: m.groups };
  const out: VisibleUserModel = { kind: m.kind, name: m.name };
  const show = (k: keyof UserModel) => Object.assign(out, { [k]: m[k] });
  for (const [scope, keys] of FIELDS) if (permits(actor, scope, who)) keys.forEach(show);
  if (identify) ["admin", "groups"].forEach((k) => show(k as keyof UserModel));
  const servers = Object.entries(m.servers).filter(([name]) => permits(actor, "read:servers", { ...who, server: `${m.name}/${name}` }));
  if (servers.length || permits(actor, "read:servers", who)) out.servers = Object.fromEntries(servers);
  return out;
}

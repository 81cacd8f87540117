import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { groupMembers, groups, users } from "../db/schema";
import { ForbiddenError, NotFoundError } from "../errors";
import type { Principal } from "./principal";
import type { ScopeName } from "./scope-table";
import type { Filters, Grant, ParsedScopes } from "./scopes";

/** The resource a request acts on, as a scope's filter names it: `alice`, `alice/lab` ('alice/' the default server), `team`. */
export interface ScopeTarget {
  user?: string;
  server?: string;
  group?: string;
}

/** The scopes a principal is limited to; undefined: no limit (sessions, `inherit` tokens, the admin token). */
export const scopesOf = (actor: Principal | null): ParsedScopes | undefined => (actor?.kind === "user" ? actor.scopes : undefined);

function matches(f: Filters, t: ScopeTarget, userGroups: readonly string[] = []): boolean {
  return (
    (t.user !== undefined && f.user.has(t.user)) ||
    (t.server !== undefined && f.server.has(t.server)) ||
    (t.group !== undefined && f.group.has(t.group)) ||
    userGroups.some((g) => f.group.has(g))
  );
}

async function groupsOfUser(db: Db, actor: Principal | null, name: string): Promise<string[]> {
  if (actor?.kind === "user" && actor.user.name === name && actor.groups) return actor.groups;
  const rows = await db.select({ name: groups.name }).from(groupMembers).innerJoin(groups, eq(groups.id, groupMembers.groupId)).innerJoin(users, eq(users.id, groupMembers.userId)).where(eq(users.name, name));
  return rows.map((r) => r.name);
}

/**
 * JupyterHub's @needs_scope: one of `required` must be held, for the target when the scope is
 * filtered. Not held at all: 403; held only for other resources: 404, as JupyterHub answers.
 * Checked in memory; only a `!group=` filter asked about another user reads their groups.
 * `internal`: the endpoint lists resources and applies the filters itself (scopeFilters).
 */
export async function requireScopes(db: Db, actor: Principal | null, required: readonly ScopeName[], target?: ScopeTarget, internal = false): Promise<void> {
  const held = scopesOf(actor);
  if (!held || required.length === 0) return;
  const grants = required.map((r) => held.get(r)).filter((g): g is Grant => g !== undefined);
  if (grants.includes("all")) return;
  const needs = `${required.length > 1 ? "one of " : ""}${required.join(", ")}`;
  if (grants.length === 0) throw new ForbiddenError(`This token's scopes do not allow this: it needs ${needs}`);
  const filters = grants as Filters[];
  if (!target) {
    if (internal) return;
    throw new ForbiddenError(`This token's scopes do not allow this: it needs ${needs} without a filter`);
  }
  if (filters.some((f) => matches(f, target))) return;
  if (target.user !== undefined && filters.some((f) => f.group.size > 0)) {
    const userGroups = await groupsOfUser(db, actor, target.user);
    if (filters.some((f) => matches(f, {}, userGroups))) return;
  }
  throw new NotFoundError("Not found, or not within this token's scopes");
}

/** For list endpoints: null when the scope is held for everything, else its filters (JupyterHub's internal filtering). */
export function scopeFilters(actor: Principal | null, scope: ScopeName): Filters | null {
  const held = scopesOf(actor);
  if (!held) return null;
  const g = held.get(scope);
  if (g === "all") return null;
  return g ?? { user: new Set(), server: new Set(), group: new Set() };
}

/** Whether the principal holds `scope` for this resource; a user's groups, when given, count for `!group=`: no query. */
export function permits(actor: Principal | null, scope: ScopeName, target: ScopeTarget & { groups?: readonly string[] }): boolean {
  const f = scopeFilters(actor, scope);
  return f === null || matches(f, target, target.groups);
}

import { BoundedMemo } from "../memo";
import { definitionOf, type FilterKind, isScopeName, METASCOPES, type ScopeName, SCOPES, SELF_KILN_SCOPES, SELF_USER_SCOPES } from "./scope-table";

/** What a scope is narrowed to; an empty kind matches nothing of that kind. */
export interface Filters {
  user: Set<string>;
  server: Set<string>;
  group: Set<string>;
}
/** A scope held for everything, or for the resources its filters name. */
export type Grant = "all" | Filters;
/** A token's scopes expanded (metascopes, subscopes, `!user` resolved): what checks read. */
export type ParsedScopes = ReadonlyMap<ScopeName, Grant>;

interface Filter {
  kind: FilterKind;
  value: string;
}

const USER = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const GROUP = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Why a raw scope is not one Kiln knows, or null when it is fine. */
export function scopeProblem(scope: string): string | null {
  const [name, filter, ...more] = scope.split("!");
  if (more.length) return `${scope}: only one filter per scope (give the scope twice for two)`;
  if (name === "all") return `${scope}: the draft scope 'all' is called 'inherit'`;
  if (Object.hasOwn(METASCOPES, name!)) return filter === undefined ? null : `${scope}: ${name} takes no filter`;
  if (!isScopeName(name!)) return `${scope}: no such scope`;
  if (filter === undefined) return null;
  const [kind, value] = splitFilter(filter);
  const allowed = definitionOf(name).filters ?? [];
  if (!allowed.includes(kind as FilterKind)) return `${scope}: ${name} ${allowed.length ? `takes only ${allowed.map((k) => `!${k}=`).join(", ")}` : "takes no filter"}`;
  if (value === undefined) return kind === "user" ? null : `${scope}: !${kind} needs a value`;
  if (kind === "user" && !USER.test(value)) return `${scope}: not a user name`;
  if (kind === "group" && !GROUP.test(value)) return `${scope}: not a group name`;
  if (kind === "server") {
    const [user, server, ...rest] = value.split("/");
    if (rest.length || server === undefined || !USER.test(user!) || (server !== "" && !SERVER_NAME.test(server)))
      return `${scope}: !server= takes <user>/<server name> ('alice/' for alice's default server)`;
  }
  return null;
}

function splitFilter(filter: string): [string, string | undefined] {
  const i = filter.indexOf("=");
  return i < 0 ? [filter, undefined] : [filter.slice(0, i), filter.slice(i + 1)];
}

/** Each scope a raw list grants, with its filter: metascopes and subscopes expanded, `!user` made the owner's. */
function* grants(raw: readonly string[], owner: string | null): Generator<{ name: ScopeName; filter?: Filter }> {
  function* withSubscopes(name: ScopeName, filter?: Filter): Generator<{ name: ScopeName; filter?: Filter }> {
    // A subscope the filter means nothing to is left out (JupyterHub: read:servers!server=... grants no read:users:name).
    if (filter && !(definitionOf(name).filters ?? []).includes(filter.kind)) return;
    yield { name, filter };
    for (const sub of definitionOf(name).subscopes ?? []) yield* withSubscopes(sub, filter);
  }
  for (const scope of raw) {
    if (scopeProblem(scope)) continue; // stored scopes were validated; anything else grants nothing
    const [name, f] = scope.split("!") as [string, string | undefined];
    if (name === "self") {
      if (owner === null) continue;
      for (const s of SELF_USER_SCOPES) yield* withSubscopes(s, { kind: "user", value: owner });
      for (const s of SELF_KILN_SCOPES) yield* withSubscopes(s);
      continue;
    }
    if (!isScopeName(name)) continue;
    if (f === undefined) {
      yield* withSubscopes(name);
      continue;
    }
    const [kind, value] = splitFilter(f);
    if (value === undefined && owner === null) continue;
    yield* withSubscopes(name, { kind: kind as FilterKind, value: value ?? owner! });
  }
}

function merge(into: Map<ScopeName, Grant>, name: ScopeName, filter?: Filter) {
  const held = into.get(name);
  if (held === "all") return;
  if (!filter) return void into.set(name, "all");
  const f = held ?? { user: new Set(), server: new Set(), group: new Set() };
  f[filter.kind].add(filter.value);
  into.set(name, f);
}

/** True when the raw list asks for everything the owner may do. */
export const inherits = (raw: readonly string[] | null): boolean => raw === null || raw.includes("inherit");

// Tokens carry a handful of distinct scope lists: each is expanded once, then read from memory.
const memo = new BoundedMemo<string, ParsedScopes>(1000);

/** A token's scopes for checks; null: everything its owner may do (`inherit`). */
export function expandScopes(raw: readonly string[] | null, owner: string | null): ParsedScopes | null {
  if (inherits(raw)) return null;
  const key = `${owner ?? ""} ${JSON.stringify(raw)}`;
  return memo.get(key, () => {
    const map = new Map<ScopeName, Grant>();
    for (const g of grants(raw!, owner)) merge(map, g.name, g.filter);
    return map;
  });
}

/** Whether `holder` grants this scope (with this filter, or for everything when none). */
function covers(holder: ParsedScopes, name: ScopeName, filter?: Filter): boolean {
  const g = holder.get(name);
  if (!g) return false;
  if (g === "all") return true;
  if (!filter) return false;
  if (filter.kind === "server") return g.server.has(filter.value) || g.user.has(filter.value.split("/")[0]!);
  return g[filter.kind].has(filter.value);
}

/** The scopes of a raw list that would grant `owner` something `holder` does not hold (group membership not considered). */
export function notCovered(holder: ParsedScopes, raw: readonly string[], owner: string | null): string[] {
  return raw.filter((scope) => [...grants([scope], owner)].some((g) => !covers(holder, g.name, g.filter)));
}

/** What a user may do, as scopes: an admin everything, anyone else `self`. */
export function ownerScopes(user: { name: string; admin: boolean }): ParsedScopes {
  if (user.admin) return EVERYTHING;
  return expandScopes(["self"], user.name)!;
}
const EVERYTHING: ParsedScopes = new Map((Object.keys(SCOPES) as ScopeName[]).map((n) => [n, "all"]));

/** The expanded scopes as JupyterHub lists them (`read:users!user=alice`), sorted. */
export function listScopes(parsed: ParsedScopes): string[] {
  const out: string[] = [];
  for (const [name, g] of parsed) {
    if (g === "all") out.push(name);
    else for (const kind of ["user", "server", "group"] as const) for (const v of g[kind]) out.push(`${name}!${kind}=${v}`);
  }
  return out.sort();
}

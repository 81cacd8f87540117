import type { Db } from "../db";
import type { UserRow } from "../db/schema";
import { ForbiddenError, UnauthorizedError } from "../errors";
import type { ParsedScopes } from "./scopes";

/** Who is acting: a signed-in user (by session or token), or the bootstrap admin token. */
export type Principal =
  | {
      kind: "user";
      user: UserRow;
      via: "session" | "token";
      tokenId?: number;
      /** The session row's id (a SHA-256), when signed in with a cookie. */
      sessionId?: string;
      groups?: string[];
      serverId?: number | null;
      /** A pipeline step's token: the tracked run of that step, which all its writes go to. */
      runId?: number | null;
      /** A token's scopes, expanded; absent: everything the user may do (sessions, `inherit` tokens). */
      scopes?: ParsedScopes;
    }
  | { kind: "service"; name: "kiln-admin-token" };

/** What every lib/ verb receives: the database (or a transaction) and the acting principal. */
export interface Ctx {
  db: Db;
  actor: Principal | null;
}

export function isAdmin(actor: Principal | null): boolean {
  return actor?.kind === "service" || (actor?.kind === "user" && actor.user.admin);
}

export function requireActor(actor: Principal | null): Principal {
  if (!actor) throw new UnauthorizedError();
  return actor;
}

export function requireAdmin(actor: Principal | null): void {
  if (!isAdmin(requireActor(actor))) throw new ForbiddenError("Only an admin may do this");
}

/** The user themself or an admin; anyone else is refused (403, as JupyterHub does). */
export function requireSelfOrAdmin(actor: Principal | null, name: string): void {
  const a = requireActor(actor);
  if (a.kind === "user" && a.user.name === name) return;
  if (!isAdmin(a)) throw new ForbiddenError(`You may not act on user ${name}`);
}

/** A kernel's code holds its server's (or its step's) token: it may log and read data, nothing else. */
export function refuseServerToken(actor: Principal | null): void {
  if (actor?.kind === "user" && (actor.serverId || actor.runId)) throw new ForbiddenError("A server's token only serves the kiln module's routes");
}

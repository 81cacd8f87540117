import type { Principal } from "../auth/principal";
import { scopesOf } from "../auth/scope-check";
import { inherits, notCovered, ownerScopes } from "../auth/scopes";
import type { UserRow } from "../db/schema";
import { ForbiddenError, ValidationError } from "../errors";

/**
 * The scopes a new token of `owner` is stored with (null: `inherit`), after two checks:
 * the owner must hold them (JupyterHub's rule: a 400 naming what is not held), and a requester
 * limited by scopes may only hand on what it holds itself. JupyterHub checks only the owner,
 * so a token with `tokens` there can mint one with all its owner's rights; here it cannot.
 */
export function grantableScopes(requester: Principal | null, owner: UserRow, asked: readonly string[] | null | undefined): string[] | null {
  const limited = scopesOf(requester);
  if (asked === undefined || asked === null || inherits(asked)) {
    if (limited) throw new ForbiddenError("A token limited by scopes may only create tokens with scopes it holds: list them in 'scopes'");
    return null;
  }
  // `!user` means the owner: stored resolved, so the token list says what it grants.
  const scopes = [...new Set(asked.map((s) => (s.endsWith("!user") ? `${s}=${owner.name}` : s)))].sort();
  const notHeld = notCovered(ownerScopes(owner), scopes, owner.name);
  if (notHeld.length) throw new ValidationError(`scopes: not held by user ${owner.name}: ${notHeld.join(", ")}`, "scopes");
  const notHanded = limited ? notCovered(limited, scopes, owner.name) : [];
  if (notHanded.length) throw new ForbiddenError(`This token may not grant scopes it does not hold: ${notHanded.join(", ")}`);
  return scopes;
}

import { and, type AnyColumn, eq, exists, inArray, or, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../db";
import { groupMembers, groups } from "../db/schema";
import { ValidationError } from "../errors";

/**
 * The read rule runs and datasets share: the owner's, public ones, and those shared with a
 * group the user belongs to (through a `{resource, group}` share table).
 */
export function ownedPublicOrShared(
  db: Db,
  userId: number,
  r: { id: AnyColumn; ownerId: AnyColumn; public: AnyColumn },
  shares: { table: PgTable; resource: AnyColumn; group: AnyColumn },
): SQL {
  const shared = exists(
    db
      .select({ one: sql`1` })
      .from(shares.table)
      .innerJoin(groupMembers, eq(groupMembers.groupId, shares.group))
      .where(and(eq(shares.resource, r.id), eq(groupMembers.userId, userId))),
  );
  return or(eq(r.ownerId, userId), eq(r.public, true), shared)!;
}

/** Group ids for the names a share lists; an unknown one is a 400 naming it (nothing is changed). */
export async function groupIdsByName(db: Db, names: string[]): Promise<number[]> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const rows = await db.select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.name, unique));
  const missing = unique.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) throw new ValidationError(`shared_groups: no such group: ${missing.join(", ")}`, "shared_groups");
  return rows.map((r) => r.id);
}

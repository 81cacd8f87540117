import { and, eq } from "drizzle-orm";
import type { Db } from "../db";
import { unseal } from "../auth/at-rest";
import { BoundedMemo } from "../memo";
import { servers, type ServerRow } from "../db/schema";

export async function findServer(db: Db, userId: number, name: string): Promise<ServerRow | undefined> {
  const [row] = await db.select().from(servers).where(and(eq(servers.userId, userId), eq(servers.name, name)));
  return row;
}

export const serverBaseUrl = (user: string, serverName: string) => `/user/${user}/${serverName ? `${serverName}/` : ""}`;

/** Where the server's Jupyter listens for /user/{name}/[{server}/]: its own base URL if it has one (warm pool). */
export const upstreamBaseUrl = (row: ServerRow, user: string) =>
  typeof row.state.upstreamBaseUrl === "string" ? row.state.upstreamBaseUrl : serverBaseUrl(user, row.name);

const plain = new BoundedMemo<string, string>(10_000);

/** The Jupyter token Kiln keeps for proxying, from a server's state (stored encrypted: lib/auth/at-rest.ts). */
export function jupyterTokenOf(row: ServerRow): string {
  const stored = String(row.state.jupyterToken ?? "");
  return plain.get(stored, () => unseal(stored));
}

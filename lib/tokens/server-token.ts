import { generateToken, hashToken, tokenPrefix } from "../auth/token-secret";
import type { Db } from "../db";
import { apiTokens } from "../db/schema";

/**
 * A server's own token, handed to its kernels as KILN_SERVER_TOKEN: it acts for the owner
 * on the kernel-facing routes only (lib/http/handle.ts refuses it elsewhere), and its row
 * goes with the server's (foreign key, on delete cascade).
 */
export async function mintServerToken(db: Db, userId: number, serverId: number, serverName: string): Promise<string> {
  const token = generateToken();
  await db.insert(apiTokens).values({
    userId, serverId, hash: hashToken(token), prefix: tokenPrefix(token), note: `server ${serverName || "(default)"}: the kiln module`,
  });
  return token;
}

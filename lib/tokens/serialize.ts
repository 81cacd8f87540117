import type { TokenModel } from "../api/schemas";
import type { ApiTokenRow } from "../db/schema";

export function toTokenModel(row: ApiTokenRow, userName: string): TokenModel {
  return {
    id: `a${row.id}`,
    kind: "api_token",
    user: userName,
    note: row.note,
    prefix: row.prefix,
    created: row.createdAt.toISOString(),
    expires_at: row.expiresAt?.toISOString() ?? null,
    last_activity: row.lastActivity?.toISOString() ?? null,
    scopes: row.scopes ?? ["inherit"],
    roles: [],
  };
}

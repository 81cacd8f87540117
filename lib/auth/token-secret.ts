import crypto from "node:crypto";

const PREFIX = "kiln_";

/** A new API token: 256 random bits, with a recognisable prefix for secret scanners. */
export function generateToken(): string {
  return PREFIX + crypto.randomBytes(32).toString("base64url");
}

/** How tokens are stored and looked up (see lib/db/schema/tokens.ts for why SHA-256). */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** The part of a token safe to show in a list. */
export function tokenPrefix(token: string): string {
  return token.slice(0, PREFIX.length + 4);
}

export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { getConfig } from "../config";

/**
 * Secrets Kiln must be able to read back (each server's Jupyter token, the generated session
 * secret) are stored encrypted (AES-256-GCM) with a key that is never in the database:
 * derived from KILN_SECRET when set, else a random key in KILN_DATA_DIR/secret.key, created
 * 0600 on first start. A database dump alone does not give them away (ARCHITECTURE.md).
 * Instances sharing a database must share the key: set the same KILN_SECRET on each.
 */
const PREFIX = "enc:v1:";
const KEY = Symbol.for("kiln.atRestKey");
type G = typeof globalThis & { [KEY]?: Buffer };

function loadKey(): Buffer {
  const c = getConfig();
  if (c.secret) return Buffer.from(crypto.hkdfSync("sha256", c.secret, "kiln", "kiln at-rest v1", 32));
  const file = path.join(c.dataDir, "secret.key");
  fs.mkdirSync(c.dataDir, { recursive: true });
  try {
    // wx: two processes starting at once must not each write their own key
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key: restore it, or set KILN_SECRET`);
  return key;
}

const key = (): Buffer => ((globalThis as G)[KEY] ??= loadKey());

export const isSealed = (v: unknown): v is string => typeof v === "string" && v.startsWith(PREFIX);

export function seal(plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

export class SealedWithAnotherKeyError extends Error {}

/** The plain text of a sealed value; a value stored before encryption comes back as it is. */
export function unseal(value: string): string {
  if (!isSealed(value)) return value;
  const raw = Buffer.from(value.slice(PREFIX.length), "base64url");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new SealedWithAnotherKeyError(
      "A secret in the database was encrypted with another key: set the KILN_SECRET it was stored with (or restore KILN_DATA_DIR/secret.key)",
    );
  }
}

/** A key for one purpose (signing a cookie), derived from the at-rest key: never the key itself. */
export function derivedKey(purpose: string): Buffer {
  return crypto.createHmac("sha256", key()).update(`kiln derived key: ${purpose}`).digest();
}

import { describe, expect, test } from "vitest";
import { tokenFromHeader } from "../../lib/auth/authenticate";
import { hashPassword, verifyPassword } from "../../lib/auth/password";
import { generateToken, hashToken } from "../../lib/auth/token-secret";
import { UnauthorizedError } from "../../lib/errors";

describe("passwords", () => {
  test("scrypt hashes verify, carry their parameters, and are salted", async () => {
    const h1 = await hashPassword("correct horse");
    const h2 = await hashPassword("correct horse");
    expect(h1).toMatch(/^scrypt\$32768\$8\$4\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword("correct horse", h1)).toBe(true);
    expect(await verifyPassword("correct horsE", h1)).toBe(false);
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
  });
});

describe("tokens", () => {
  test("tokens are 256-bit random, prefixed, and stored as SHA-256", () => {
    const t = generateToken();
    expect(t).toMatch(/^kiln_[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(t);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toContain(t.slice(5, 15));
  });

  test("the Authorization header takes 'token' and 'Bearer', anything else is 401", () => {
    expect(tokenFromHeader("token abc")).toBe("abc");
    expect(tokenFromHeader("Bearer abc")).toBe("abc");
    expect(tokenFromHeader(null)).toBeNull();
    expect(() => tokenFromHeader("Basic abc")).toThrow(UnauthorizedError);
    expect(() => tokenFromHeader("token")).toThrow(UnauthorizedError);
  });
});

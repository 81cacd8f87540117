import { expect, test } from "vitest";
import { escapeDeep, escapeString, unescapeDeep } from "@/lib/db/storable";

const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

test("strings PostgreSQL refuses are stored as text it takes, and read back exactly; every other string is left alone", () => {
  const odd = ["a\u0000b", "x\ud800y", "\udc00", "\ud83d", "\ufdd0looks escaped", "\ufdd0\"quoted\"", ""];
  for (const s of odd) {
    const stored = escapeString(s);
    expect(stored.includes("\u0000")).toBe(false);
    expect(wellFormed(stored)).toBe(true);
    expect(unescapeDeep(stored)).toBe(s);
  }
  for (const s of ["plain", "emoji \ud83d\ude00 paired", "é", "\\u0000 as text"]) expect(escapeString(s)).toBe(s);
  const doc = { "k\u0000": [odd, { nested: "\u0000", n: 1, b: true, z: null }], plain: "x" };
  expect(unescapeDeep(JSON.parse(JSON.stringify(escapeDeep(doc))))).toEqual(doc);
});

import { describe, expect, test } from "vitest";
import { badString, jsonTooDeep, refuseBadJsonStrings } from "../../lib/http/input";

describe("JSON depth, counted before parsing", () => {
  test.each([
    ["brackets inside strings do not count", '{"a":"[[[[{{{{"}', 1, false],
    ["an escaped quote does not end a string", '{"a":"\\"[[[["}', 1, false],
    ["an escaped backslash before a quote does", '[[["x\\\\"]]]', 3, false],
    ["an escaped backslash before a quote does, then brackets count", '[[["x\\\\",[[]]]]]', 4, true],
    ["64 deep is allowed", "[".repeat(64) + "]".repeat(64), 64, false],
    ["65 deep is not", "[".repeat(65) + "]".repeat(65), 64, true],
    ["50,000 deep stops early", '{"a":' + "[".repeat(50_000) + "]".repeat(50_000) + "}", 64, true],
    ["an unterminated string is JSON.parse's to refuse", '["x', 1, false],
  ])("%s", (_, text, limit, deep) => {
    expect(jsonTooDeep(text, limit)).toBe(deep);
  });
});

describe("strings PostgreSQL cannot hold as given", () => {
  test("NUL and lone surrogates are named; pairs (emoji) and plain text pass", () => {
    expect(badString("a\u0000b")).toMatch(/NUL/);
    expect(badString("a\ud800")).toMatch(/surrogate/);
    expect(badString("\udc00b")).toMatch(/surrogate/);
    expect(badString("😀 ünïcødé")).toBeNull();
  });

  test("a body names the path to the bad string, or the object holding a bad key", () => {
    expect(() => refuseBadJsonStrings({ cells: [{ source: "ok" }, { source: ["x", "a\u0000"] }] })).toThrow(
      expect.objectContaining({ field: "cells.1.source.1", message: "cells.1.source.1: must not contain NUL characters" }),
    );
    expect(() => refuseBadJsonStrings({ metadata: { "k\u0000": 1 } })).toThrow(expect.objectContaining({ field: "metadata" }));
    expect(() => refuseBadJsonStrings("\ud800")).toThrow(expect.objectContaining({ field: "body" }));
    expect(() => refuseBadJsonStrings({ a: [1, true, null, { b: "fine" }] })).not.toThrow();
  });
});

import { describe, expect, test } from "vitest";
import { endpoints } from "../../lib/api/endpoints";
import type { Endpoint } from "../../lib/api/endpoint";
import type { Principal } from "../../lib/auth/principal";
import { permits } from "../../lib/auth/scope-check";
import { expandScopes, listScopes, notCovered, ownerScopes, scopeProblem } from "../../lib/auth/scopes";

const actor = (raw: string[], name = "alice", groups: string[] = []): Principal => ({
  kind: "user", via: "token", user: { name } as never, groups, scopes: expandScopes(raw, name) ?? undefined,
});

describe("scope names and filters", () => {
  test("JupyterHub's and Kiln's scopes are known, with the filters each takes", () => {
    for (const ok of ["read:users", "list:users", "servers!user=alice", "access:servers!server=alice/", "access:servers!server=alice/lab", "read:users!group=team", "tokens!user", "self", "inherit", "notebooks", "read:datasets"])
      expect(scopeProblem(ok), ok).toBeNull();
    for (const bad of ["read:user", "all", "notebooks!user=alice", "servers!server=alice", "servers!server=Alice/", "read:users!server=alice/", "self!user=alice", "servers!user=a!user=b", "read:hub!group=x", "servers!service=x", "servers!group"])
      expect(scopeProblem(bad), bad).not.toBeNull();
  });

  test("every authenticated endpoint declares the scopes that reach it, each a known one", () => {
    for (const e of Object.values(endpoints) as Endpoint[]) {
      if (e.auth === "none") continue;
      expect(e.scopes, `${e.method} ${e.path}`).toBeDefined();
      for (const s of e.scopes!) expect(scopeProblem(s), `${e.method} ${e.path}: ${s}`).toBeNull();
    }
  });
});

describe("expansion", () => {
  test("subscopes come with their scope, filters with them; inherit is no limit", () => {
    expect(expandScopes(null, "alice")).toBeNull();
    expect(expandScopes(["read:users", "inherit"], "alice")).toBeNull();
    expect(listScopes(expandScopes(["servers!user"], "alice")!)).toEqual([
      "delete:servers!user=alice", "read:servers!user=alice", "read:users:name!user=alice", "servers!user=alice", "start:servers!user=alice",
    ]);
    // a !server filter does not reach the user-level subscope (as JupyterHub's read:servers -> read:users:name)
    expect(listScopes(expandScopes(["read:servers!server=alice/lab"], "alice")!)).toEqual(["read:servers!server=alice/lab"]);
    // an unfiltered scope wins over a filtered one
    expect(listScopes(expandScopes(["read:users!user=bob", "users"], "alice")!)).toContain("read:users");
  });

  test("self is the owner's own resources", () => {
    const self = listScopes(expandScopes(["self"], "alice")!);
    expect(self).toContain("access:servers!user=alice");
    expect(self).toContain("tokens!user=alice");
    expect(self).toContain("notebooks");
    expect(self).not.toContain("list:users");
    expect(self.some((s) => s.includes("bob"))).toBe(false);
  });
});

describe("checks", () => {
  test("a filter matches its user, their servers, and members of its group", () => {
    const a = actor(["access:servers!user=alice", "read:servers!server=bob/lab", "read:users!group=team"]);
    expect(permits(a, "access:servers", { user: "alice", server: "alice/" })).toBe(true);
    expect(permits(a, "access:servers", { user: "bob", server: "bob/" })).toBe(false);
    expect(permits(a, "read:servers", { user: "bob", server: "bob/lab" })).toBe(true);
    expect(permits(a, "read:servers", { user: "bob", server: "bob/" })).toBe(false);
    expect(permits(a, "read:users", { user: "carol", groups: ["team"] })).toBe(true);
    expect(permits(a, "read:users", { user: "carol", groups: ["other"] })).toBe(false);
    expect(permits(a, "notebooks", {})).toBe(false);
  });

  test("a token narrows its owner: a user holds only their own; an admin everything", () => {
    expect(notCovered(ownerScopes({ name: "alice", admin: false }), ["servers!user", "access:servers!server=alice/lab", "notebooks"], "alice")).toEqual([]);
    expect(notCovered(ownerScopes({ name: "alice", admin: false }), ["read:users", "access:servers!user=bob", "read:users!group=team", "read:users!user=alice"], "alice")).toEqual([
      "read:users", "access:servers!user=bob", "read:users!group=team",
    ]);
    expect(notCovered(ownerScopes({ name: "root", admin: true }), ["admin:users", "access:servers!group=x"], "root")).toEqual([]);
    // and a token hands on only what it holds
    const holder = expandScopes(["tokens!user=alice", "read:servers!user=alice"], "alice")!;
    expect(notCovered(holder, ["read:servers!server=alice/lab"], "alice")).toEqual([]);
    expect(notCovered(holder, ["access:servers!user=alice"], "alice")).toEqual(["access:servers!user=alice"]);
  });
});

import { describe, expect, inject, test } from "vitest";
import { call } from "../helpers/http";
import { uniq } from "../helpers/kiln";

const spec = { default_cpu: 1, default_memory_mb: 512, max_cpu: 2, max_memory_mb: 1024 };

// Docker's own grammar (distribution/reference): what `docker pull` would refuse to parse is refused here.
const IMPOSSIBLE = [
  "Kiln/Python:latest", // upper case in the repository
  "kiln/python:", // empty tag
  "kiln//python",
  "kiln/python:has space",
  "kiln/python:-dash-first",
  "-kiln/python",
  "kiln/python@sha256:short",
  "kiln/python:" + "t".repeat(129),
  "kiln/python/",
  "http://registry.example.org/kiln",
];
const POSSIBLE = [
  "python",
  "kiln/python:latest",
  "registry.example.org:5000/team/kiln-python:2024.1_rc-1",
  "localhost/kiln__x/a.b-c",
  "[::1]:5000/kiln/python:v1",
  `kiln/python@sha256:${"a".repeat(64)}`,
  `kiln/python:3.12@sha256:${"b".repeat(64)}`,
];

describe.each(inject("servers"))("image references on $backend", (s) => {
  test("an impossible Docker reference is a 400 naming reference, when adding or changing an image; possible ones are kept", async () => {
    for (const reference of IMPOSSIBLE) {
      const r = await call(s.url, "POST", `/api/images/${uniq("bad")}`, { token: s.adminToken, body: { ...spec, reference } });
      expect([reference, r.status, r.body.error?.field]).toEqual([reference, 400, "reference"]);
    }
    for (const reference of POSSIBLE) {
      const name = uniq("zz-ref");
      const r = await call(s.url, "POST", `/api/images/${name}`, { token: s.adminToken, body: { ...spec, reference, enabled: false } });
      expect([reference, r.status]).toEqual([reference, 201]);
      expect(r.body.reference).toBe(reference);
      const patched = await call(s.url, "PATCH", `/api/images/${name}`, { token: s.adminToken, body: { reference: "Not/A:Reference" } });
      expect([patched.status, patched.body.error?.field]).toEqual([400, "reference"]);
    }
  });
});

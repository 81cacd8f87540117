import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, inject, test } from "vitest";
import { endpoints } from "../../lib/api/endpoints";
import { call, makeUser } from "../helpers/http";

describe.each(inject("servers"))("system endpoints on $backend", (s) => {
  test("GET /api/health answers 200 with db ok", async () => {
    const r = await call(s.url, "GET", "/api/health");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", db: "ok", backend: s.backend });
  });

  test("GET /api/openapi.json documents every endpoint with its schemas", async () => {
    const r = await call(s.url, "GET", "/api/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    for (const e of Object.values(endpoints)) {
      expect(r.body.paths[e.path.replace(/\{(\w+)\+\}/g, "{$1}")]?.[e.method.toLowerCase()], `${e.method} ${e.path}`).toBeDefined();
    }
    const signup = r.body.paths["/api/auth/signup"].post;
    expect(signup.requestBody.content["application/json"].schema.properties.password.minLength).toBe(8);
    expect(r.body.paths["/hub/api/user"].get.responses["200"].content["application/json"].schema).toBeDefined();
    // and it is a valid OpenAPI 3.1 document by the official schema
    const validation = await new Validator().validate(r.body);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
  });

  test("GET /metrics is Prometheus text for admins and refused to others", async () => {
    const bob = await makeUser(s, "bob");
    await call(s.url, "GET", "/hub/api/user", { token: bob.token });
    expect((await call(s.url, "GET", "/metrics")).status).toBe(401);
    expect((await call(s.url, "GET", "/metrics", { token: bob.token })).status).toBe(403);
    const r = await fetch(`${s.url}/metrics`, { headers: { authorization: `token ${s.adminToken}` } });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toMatch(/kiln_http_requests_total\{method="GET",route="\/hub\/api\/user",status="200"\} \d+/);
    expect(text).toContain("kiln_process_resident_memory_bytes");
  });
});

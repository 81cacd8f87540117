import { describe, expect, test } from "vitest";
import { z } from "zod";
import {
  ConflictError, ForbiddenError, NotFoundError, RateLimitError, UnauthorizedError, UnprocessableError, ValidationError,
} from "../../lib/errors";
import { errorResponse } from "../../lib/http/errors";

describe("error mapping", () => {
  test.each([
    [new ValidationError("bad", "field"), 400, "invalid_request"],
    [new UnauthorizedError(), 401, "unauthorized"],
    [new ForbiddenError(), 403, "forbidden"],
    [new NotFoundError("gone"), 404, "not_found"],
    [new ConflictError("dup", "email"), 409, "conflict"],
    [new UnprocessableError("last admin"), 422, "unprocessable"],
    [new RateLimitError("slow down", 12), 429, "rate_limited"],
  ])("%s maps to %i", async (err, status, code) => {
    const r = errorResponse(err, "req-1");
    expect(r.status).toBe(status);
    const body = await r.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toBe(err.message);
    if (err.field) expect(body.error.field).toBe(err.field);
    if (err instanceof RateLimitError) expect(r.headers.get("retry-after")).toBe("12");
  });

  test("an unknown error is a 500 that leaks neither message nor stack", async () => {
    const r = errorResponse(new Error("password=hunter2 at /secret/path.ts:12"), "req-2");
    expect(r.status).toBe(500);
    const text = await r.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("path.ts");
    expect(JSON.parse(text).error).toEqual({ code: "internal", message: "Internal server error (request req-2)" });
  });

  test("a zod error names the first field at fault", async () => {
    const r = z.object({ user: z.object({ age: z.number() }) }).safeParse({ user: { age: "x" } });
    const res = errorResponse(r.error, "req-3");
    expect(res.status).toBe(400);
    expect((await res.json()).error.field).toBe("user.age");
  });

  test("a database that went away is a 503, not a 500", async () => {
    const err = Object.assign(new Error('database "x" does not exist'), { code: "3D000" });
    const res = errorResponse(new Error("query failed", { cause: err }), "req-4");
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain("does not exist");
  });
});

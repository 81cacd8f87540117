import { describe, expect, inject, test } from "vitest";
import type { TestServer } from "../helpers/global-setup";
import { call, makeUser } from "../helpers/http";
import { uniq } from "../helpers/kiln";

/**
 * Every endpoint of the OpenAPI document Kiln serves gets the classic bad inputs, as a
 * normal user and as an admin: each must be refused with a 4xx and a JSON error (naming
 * the field where one is at fault), never a 500. Endpoints added later are in the document,
 * so they are covered without touching this file.
 */

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] };
type Operation = { parameters?: { name: string; in: "path" | "query"; required?: boolean; schema: Schema }[]; requestBody?: { content: { "application/json": { schema: Schema } } } };
type Op = { method: string; path: string; op: Operation };
type Who = { label: string; token: string; name: string };
type Answer = { status: number; json: any; stream: boolean };

const servers = inject("servers");
const documents = await Promise.all(servers.map(async (s) => (await call(s.url, "GET", "/api/openapi.json")).body as { paths: Record<string, Record<string, Operation>> }));

function operations(doc: (typeof documents)[number]): Op[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}

/** Starting a server for real is not what this test is about: there, `{}` (valid) is never sent. */
const startsServer = (o: Op) => o.method === "POST" && /\/server(s\/\{server_name\})?$/.test(o.path);
/** The body sent with a bad path or query: one that cannot start anything when they pass. */
const baseBody = (o: Op) => (startsServer(o) ? '{"cpu":"x"}' : o.op.requestBody ? "{}" : undefined);

/** Path values that pass validation but name nothing (or the caller's own name, to reach validation). */
function baseValue(path: string, param: string, who: Who): string {
  if (param === "name") return path.startsWith("/hub/api/groups") ? "nosuchgroup" : who.name;
  const known: Record<string, string> = {
    id: "2147483647", rev: "2147483647", version: "2147483647", index: "0", token_id: "a2147483647",
    server_name: "nosuchserver", ref: "nosuchdataset", upload_id: "nosuchupload", image: "nosuchimage", path: "nosuch.txt", key: "nosuch", kind: "user",
  };
  return known[param] ?? "nosuch";
}

/** Valid values of required query parameters (import's name, compare's ids), so the one at fault is the bad one. */
const baseQuery: Record<string, string> = { name: "nosuch", ids: "2147483646,2147483647", from: "1", to: "2" };

function url(o: Op, who: Who, override: Record<string, string> = {}, query: Record<string, string> = {}): string {
  const p = o.path.replace(/\{(\w+)\}/g, (_, n: string) => override[n] ?? encodeURIComponent(baseValue(o.path, n, who)));
  const q = new URLSearchParams();
  for (const x of o.op.parameters ?? []) if (x.in === "query" && x.required) q.set(x.name, baseQuery[x.name] ?? "1");
  // encoded here by hand: %00 must arrive as a NUL
  const pairs = [...q].filter(([k]) => !(k in query)).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  pairs.push(...Object.entries(query).map(([k, v]) => `${k}=${v}`));
  return pairs.length ? `${p}?${pairs.join("&")}` : p;
}

/** Sends one request; an event stream (a valid request to a streaming endpoint) is not read. */
async function send(s: TestServer, method: string, path: string, who: Who, body?: string | Uint8Array): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `token ${who.token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(s.url + path, { method, headers, body: body as BodyInit | undefined, signal: AbortSignal.timeout(20_000) });
  if (r.headers.get("content-type")?.startsWith("text/event-stream")) {
    await r.body?.cancel();
    return { status: r.status, json: null, stream: true };
  }
  const text = await r.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: the checks below say so */
  }
  return { status: r.status, json, stream: false };
}

/** The checks: never a 5xx; a 4xx has a JSON error; a 400 names a field (this one, when given). */
function judge(failures: string[], label: string, a: Answer, want: { refused?: boolean; field?: string } = {}) {
  const why = (m: string) => failures.push(`${label}: ${m} (got ${a.status} ${JSON.stringify(a.json)?.slice(0, 200)})`);
  if (a.status >= 500) return why("a server error");
  if (want.refused && a.status < 400) return why("accepted");
  if (a.status < 400) return;
  if (typeof a.json?.error?.code !== "string" || typeof a.json?.error?.message !== "string") return why("no JSON error");
  if (a.status !== 400) return;
  if (typeof a.json.error.field !== "string" || a.json.error.field === "") return why("a 400 naming no field");
  if (want.field !== undefined && a.json.error.field !== want.field) why(`the field should be ${want.field}`);
}

const BAD_PATH_VALUES = ["2147483648", "-1", "abc", "%00", "%zz", "x".repeat(5000), "99999999999999999999", "1e308"];
const BAD_QUERY_VALUES = ["99999999999999999999", "2147483648", "-1", "1e308", "abc", "true", ""];
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

/** A value of the wrong JSON type for a property of this schema, or undefined when any type goes. */
function wrongType(schema: Schema): unknown {
  const t = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return t === "string" ? 12345 : t === "integer" || t === "number" ? "12" : t === "boolean" ? "yes" : t === "array" ? { a: 1 } : t === "object" ? [1] : undefined;
}
const isNumeric = (schema: Schema) => [schema.type].flat().some((t) => t === "integer" || t === "number");

async function attack(s: TestServer, o: Op, who: Who): Promise<string[]> {
  const failures: string[] = [];
  const tag = `${who.label} ${o.method} ${o.path}`;
  const params = o.op.parameters ?? [];
  // path parameters, one at a time
  for (const p of params.filter((x) => x.in === "path"))
    for (const v of BAD_PATH_VALUES) {
      const raw = v === "%00" || v === "%zz" ? v : encodeURIComponent(v);
      const a = await send(s, o.method, url(o, who, { [p.name]: raw }), who, baseBody(o));
      judge(failures, `${tag} path ${p.name}=${v.slice(0, 20)}`, a, v === "%00" ? { refused: true, field: p.name } : { refused: /^-?\d|abc/.test(v) && /id|rev|version|index/.test(p.name) });
    }
  // query parameters: NUL anywhere (declared or not); numbers past every range, wrong types
  const body = baseBody(o);
  for (const q of [...params.filter((x) => x.in === "query").map((x) => x.name), "undeclared"])
    judge(failures, `${tag} query ${q}=NUL`, await send(s, o.method, url(o, who, {}, { [q]: "a%00b" }), who, body), { refused: true, field: `query.${q}` });
  for (const q of params.filter((x) => x.in === "query"))
    for (const v of BAD_QUERY_VALUES) judge(failures, `${tag} query ${q.name}=${v}`, await send(s, o.method, url(o, who, {}, { [q.name]: encodeURIComponent(v) }), who, body));
  // bodies
  const schema = o.op.requestBody?.content["application/json"].schema;
  if (schema) {
    const post = (label: string, text: string | Uint8Array, want: { refused?: boolean; field?: string } = {}) =>
      send(s, o.method, url(o, who), who, text).then((a) => judge(failures, `${tag} body ${label}`, a, want));
    await post("not JSON", "{not json", { refused: true, field: "body" });
    await post("deep", `{"a":${deep(50_000)}}`, { refused: true, field: "body" });
    await post("deep array", deep(50_000), { refused: true, field: "body" });
    await post("NUL nested", JSON.stringify({ x: { y: ["a\u0000b"] } }), { refused: true, field: "x.y.0" });
    await post("NUL key", JSON.stringify({ "a\u0000": 1 }), { refused: true, field: "body" });
    await post("lone surrogate", '{"x":"a\\udc00"}', { refused: true, field: "x" });
    await post("invalid UTF-8", Buffer.from('{"x":"\xff"}', "latin1"), { refused: true, field: "body" });
    if (!startsServer(o)) await post("{}", "{}");
    if (schema.type === "object" || schema.properties) {
      await post("an array", "[{}]", { refused: true });
      await post("a string", '"x"', { refused: true });
    }
    for (const [prop, ps] of Object.entries(schema.properties ?? {})) {
      const wrong = wrongType(ps);
      if (wrong !== undefined) await post(`${prop} wrong type`, JSON.stringify({ [prop]: wrong }), { refused: true });
      await post(`${prop} NUL`, JSON.stringify({ [prop]: "a\u0000b" }), { refused: true, field: prop });
      await post(`${prop} surrogate`, `{"${prop}":"\\ud800"}`, { refused: true, field: prop });
      for (const n of ["1e308", "-1e308", "2147483648", "9007199254740993"]) await post(`${prop}=${n}`, `{"${prop}":${n}}`, isNumeric(ps) ? {} : { refused: true });
      await post(`${prop} an array where an object goes`, JSON.stringify({ [prop]: [[]] }), ps.type === "array" ? {} : { refused: true });
    }
  }
  return failures;
}

describe.each(servers.map((s, i) => ({ ...s, doc: documents[i]! })))("bad input on $backend", (s) => {
  let user: Who | undefined;
  let admin: Who | undefined;
  async function principals(): Promise<Who[]> {
    if (!user) {
      const u = await makeUser(s, "bad");
      const name = uniq("badadmin");
      expect((await call(s.url, "POST", `/hub/api/users/${name}`, { token: s.adminToken, body: { admin: true } })).status).toBe(201);
      const t = await call(s.url, "POST", `/hub/api/users/${name}/tokens`, { token: s.adminToken, body: { note: "bad input" } });
      user = { label: "user", ...u };
      admin = { label: "admin", name, token: t.body.token };
    }
    return [user, admin!];
  }

  test("the document lists the API", () => {
    expect(operations(s.doc).length).toBeGreaterThan(50);
  });

  test.each(operations(s.doc).map((o) => ({ ...o, title: `${o.method} ${o.path}` })))("$title", async (o) => {
    const failures: string[] = [];
    for (const who of await principals()) failures.push(...(await attack(s, o, who)));
    expect(failures).toEqual([]);
  }, 300_000);
});

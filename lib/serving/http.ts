import type http from "node:http";
import crypto from "node:crypto";
import { ForbiddenError, KilnError, NotFoundError, PayloadTooLargeError, UnauthorizedError, UnavailableError, ValidationError } from "../errors";
import { logger } from "../log";
import { BoundedMemo } from "../memo";
import { metrics } from "../metrics";
import { type LiveEndpoint, liveEndpointNow, pickRoute, type Route } from "./live";
import { type Feeds, namedToFeeds, rowsToFeeds, v2ToFeeds, v2TypeOf } from "./requests";
import { maybeSample } from "./sample-log";
import { predict } from "./serve";
import { tensorToJson, tensorValues } from "./tensors";

/** Request bodies above this are refused (413) before they are read whole. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

const PREDICT = /^\/serve\/([A-Za-z0-9][A-Za-z0-9._-]{0,99})\/predict\/?$/;
const V2_MODEL = /^\/v2\/models\/([A-Za-z0-9][A-Za-z0-9._-]{0,99})(?:\/(ready|infer))?\/?$/;

export const isServingPath = (path: string) => path.startsWith("/serve/") || path === "/v2" || path.startsWith("/v2/");

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(text);
}

function sendError(res: http.ServerResponse, e: unknown) {
  if (e instanceof KilnError) return send(res, e.status, { error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } });
  logger().error({ err: e }, "serving: request failed");
  send(res, 500, { error: { code: "internal", message: "Internal server error" } });
}

/** The body, at most MAX_BODY_BYTES: a larger one is refused without reading it all. */
function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > MAX_BODY_BYTES) return Promise.reject(new PayloadTooLargeError(`body: ${declared} bytes; at most ${MAX_BODY_BYTES}`));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        reject(new PayloadTooLargeError(`body: over ${MAX_BODY_BYTES} bytes`));
      } else parts.push(d);
    });
    req.on("end", () => resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts)));
    req.on("error", reject);
  });
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req);
  try {
    const v = JSON.parse(body.toString("utf8")) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw new ValidationError("body: a JSON object", "body");
}

/** A private endpoint takes its own token (Authorization: Bearer or token); a public one none. */
function authorize(req: http.IncomingMessage, e: LiveEndpoint) {
  if (e.public) return;
  const header = req.headers.authorization ?? "";
  const m = /^(?:bearer|token)\s+(\S+)$/i.exec(header);
  if (!m) throw new UnauthorizedError(`endpoint ${e.name} is private: send its token (Authorization: Bearer <token>)`);
  // compared as hashes, in constant time (auth's safeEqual would hash both sides again)
  const given = digestOf(m[1]!);
  const stored = storedDigest(e.tokenHash);
  if (stored.length !== given.length || !crypto.timingSafeEqual(given, stored)) throw new ForbiddenError(`not a token of endpoint ${e.name}`);
}

/**
 * SHA-256 of the tokens clients sent lately: a client sends the same token on every
 * request, and hashing it each time was a tenth of a served request's CPU (bench/serving.ts
 * --cpu-prof). In this process's memory only, as the requests themselves are; bounded, so
 * a stream of made-up tokens costs their hashes and nothing more.
 */
const digests = new BoundedMemo<string, Buffer>(1024);
const digestOf = (token: string) => digests.get(token, () => crypto.createHash("sha256").update(token).digest());
/** An endpoint's stored hash as bytes, decoded once per value (a rotated token is a new value). */
const storedDigests = new BoundedMemo<string, Buffer>(1024);
const storedDigest = (hex: string) => storedDigests.get(hex, () => Buffer.from(hex, "hex"));

async function endpointNamed(name: string, req: http.IncomingMessage): Promise<LiveEndpoint> {
  const now = liveEndpointNow(name);
  const e = now instanceof Promise ? await now : now;
  if (!e) throw new NotFoundError(`No such endpoint: ${name}`);
  authorize(req, e);
  if (e.state !== "running") throw new UnavailableError(`endpoint ${name} is stopped`);
  return e;
}

function routeOf(e: LiveEndpoint): Route {
  const r = pickRoute(e.routes);
  if (!r) throw new UnavailableError(`endpoint ${e.name} has no version to answer`);
  return r;
}

/** The metrics' series per endpoint, looked up once (lib/tally-metrics.ts): no label work per request. */
const meterCache = new Map<string, { latency: { observe: (v: number) => void }; requests: (version: number, status: string) => { inc: () => void } }>();
function meters(endpoint: string) {
  let m = meterCache.get(endpoint);
  if (!m) {
    const all = metrics();
    // by status, then version: no key string built per request
    const counters = new Map<string, Map<number, { inc: () => void }>>();
    m = {
      latency: all.endpointLatency.labels(endpoint),
      requests: (version, status) => {
        let byVersion = counters.get(status);
        if (!byVersion) counters.set(status, (byVersion = new Map()));
        let c = byVersion.get(version);
        if (!c) byVersion.set(version, (c = all.endpointRequests.labels(endpoint, String(version), status)));
        return c;
      },
    };
    meterCache.set(endpoint, m);
  }
  return m;
}

/** Runs a request and counts it; the answer names the version that gave it. */
async function infer(e: LiveEndpoint, toFeeds: (r: Route) => Feeds) {
  const started = performance.now();
  const route = routeOf(e);
  let status = "200";
  try {
    const feeds = toFeeds(route);
    const outputs = await predict(e, route, feeds);
    return { route, outputs };
  } catch (err) {
    status = err instanceof KilnError ? String(err.status) : "500";
    throw err;
  } finally {
    const m = meters(e.name);
    m.requests(route.version.version, status).inc();
    m.latency.observe((performance.now() - started) / 1000);
  }
}

/** `/serve/{name}/predict` (rows or named inputs) and the Open Inference Protocol's `/v2/...`. */
export async function serveModelRequest(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
  try {
    if (path === "/v2/health/live" || path === "/v2/health/ready") return send(res, 200, path.endsWith("live") ? { live: true } : { ready: true });
    if (path === "/v2" || path === "/v2/") return send(res, 200, { name: "kiln", version: "2", extensions: [] });
    const p = PREDICT.exec(path);
    if (p) {
      if (req.method !== "POST") throw new ValidationError("POST a JSON body: {\"rows\": [...]} or {\"inputs\": {...}}", "method");
      const e = await endpointNamed(p[1]!, req);
      const body = await readJson(req);
      const { route, outputs } = await infer(e, (r) => {
        if (body.rows !== undefined) return rowsToFeeds(r.signature, body.rows);
        if (body.inputs !== undefined) return namedToFeeds(r.signature, body.inputs);
        throw new ValidationError('body: {"rows": [{column: value}]} or {"inputs": {name: nested arrays}}', "body");
      });
      const json: Record<string, unknown> = {};
      for (const n in outputs) json[n] = tensorToJson(outputs[n]!);
      const answer = { endpoint: e.name, model: e.modelName, version: route.version.version, outputs: json };
      if (e.sampleRate > 0) maybeSample(e, () => ({ version: answer.version, request: body, outputs: answer.outputs }));
      return send(res, 200, answer);
    }
    const v = V2_MODEL.exec(path);
    if (v) {
      const e = await endpointNamed(v[1]!, req);
      if (v[2] === "ready") return send(res, 200, { name: e.name, ready: e.routes.length > 0 });
      if (v[2] === "infer") {
        if (req.method !== "POST") throw new ValidationError("POST the inference request", "method");
        const body = await readJson(req);
        const { route, outputs } = await infer(e, (r) => v2ToFeeds(r.signature, body));
        return send(res, 200, {
          model_name: e.name, model_version: String(route.version.version), ...(typeof body.id === "string" ? { id: body.id } : {}),
          outputs: Object.entries(outputs).map(([name, t]) => ({
            name, datatype: v2TypeOf(t.type), shape: t.dims,
            data: tensorValues(t),
          })),
        });
      }
      const sig = e.routes[0]?.signature;
      const spec = (x: { name: string; type: string; shape: (number | string | null)[] }) => ({ name: x.name, datatype: v2TypeOf(x.type), shape: x.shape.map((d) => (typeof d === "number" ? d : -1)) });
      return send(res, 200, {
        name: e.name, versions: e.routes.map((r) => String(r.version.version)), platform: "onnxruntime_onnx",
        inputs: (sig?.inputs ?? []).map(spec), outputs: (sig?.outputs ?? []).map(spec),
      });
    }
    throw new NotFoundError(`No such serving path: ${path}`);
  } catch (e) {
    sendError(res, e);
    if (e instanceof PayloadTooLargeError) req.socket.end(); // what is left of the body is not read
  }
}

import crypto from "node:crypto";
import type { z } from "zod";
import type { Endpoint } from "../api/endpoint";
import { authenticate } from "../auth/authenticate";
import { type Ctx, type Principal, refuseServerToken, requireActor, requireAdmin } from "../auth/principal";
import { requireScopes } from "../auth/scope-check";
import { getConfig } from "../config";
import { getDb } from "../db";
import { ForbiddenError, NotFoundError, UnavailableError } from "../errors";
import { socketOwner, VIA_SERVER_HEADER } from "../kernel-api/sockets";
import { metrics } from "../metrics";
import { parseJsonBody } from "./body";
import { refuseBadUrlStrings } from "./input";
import { sameOrigin } from "./origin";
import { errorResponse, fromZod } from "./errors";

type Infer<T> = [T] extends [z.ZodType] ? z.output<T> : undefined;
type Schema = z.ZodType | undefined;

export interface HandlerArgs<B extends Schema, P extends Schema, Q extends Schema> {
  ctx: Ctx;
  req: Request;
  body: Infer<B>;
  params: Infer<P>;
  query: Infer<Q>;
  requestId: string;
}

type NextContext = { params?: Promise<Record<string, string | string[]>> };

/** Browsers send Origin on cross-site POSTs; a session-authenticated change must be same-origin. */
function checkSameOrigin(req: Request, actor: Principal | null) {
  if (actor?.kind !== "user" || actor.via !== "session") return;
  if (req.method === "GET" || req.method === "HEAD") return;
  if (!sameOrigin(req.headers)) throw new ForbiddenError("Cross-origin request refused");
}

/**
 * A request that came in on a server's kernel API socket (lib/kernel-api/sockets.ts) may
 * only reach the kiln module's routes, with that very server's token: a token copied from
 * another server, or a user's own token, does not work from inside a container.
 */
function checkKernelSocket(req: Request, e: Endpoint<Schema, Schema, Schema>, actor: Principal | null) {
  const via = req.headers.get(VIA_SERVER_HEADER);
  if (via === null) return;
  if (!e.serverToken) throw new NotFoundError("Only the kiln module's routes are served on a server's socket");
  if (actor?.kind !== "user" || via !== (actor.runId ? socketOwner.run(actor.runId) : actor.serverId ? socketOwner.server(actor.serverId) : null))
    throw new ForbiddenError("This socket serves its own server's token only");
}

/**
 * The one wrapper every route handler goes through: authenticate, authorise by the
 * endpoint's declared requirement and scopes, parse params/query/body with zod, call one
 * lib/ verb, map errors, count the request.
 */
export function handle<B extends Schema = undefined, P extends Schema = undefined, Q extends Schema = undefined>(
  e: Endpoint<B, P, Q>,
  fn: (a: HandlerArgs<B, P, Q>) => Promise<Response>,
) {
  return async (req: Request, context: NextContext = {}): Promise<Response> => {
    const started = performance.now();
    const requestId = req.headers.get("x-request-id") ?? crypto.randomUUID();
    let res: Response;
    try {
      const db = await getDb().catch(() => {
        throw new UnavailableError("The database is unavailable");
      });
      const actor = e.auth === "none" ? null : await authenticate(db, req);
      if (e.auth === "user") requireActor(actor);
      if (e.auth === "admin") requireAdmin(actor);
      checkSameOrigin(req, actor);
      checkKernelSocket(req, e, actor);
      if (!e.serverToken) refuseServerToken(actor);
      const rawParams = (await context.params) ?? {};
      const search = new URL(req.url).searchParams;
      refuseBadUrlStrings(Object.entries(rawParams).map(([k, v]) => [k, String(v)]));
      refuseBadUrlStrings(search, "query");
      await requireScopes(db, actor, e.scopes ?? [], e.scopeOn?.(rawParams as Record<string, string>), e.filtersInternally);
      const params = e.params ? e.params.safeParse(rawParams) : undefined;
      if (params && !params.success) throw fromZod(params.error);
      const query = e.query ? e.query.safeParse(Object.fromEntries(search)) : undefined;
      if (query && !query.success) throw fromZod(query.error, "query");
      const body = e.body && !e.rawBody ? await parseJsonBody(req, e.body, e.maxBodyBytes) : undefined;
      res = await fn({
        ctx: { db, actor }, req, requestId,
        body: body as Infer<B>, params: params?.data as Infer<P>, query: query?.data as Infer<Q>,
      });
    } catch (err) {
      res = errorResponse(err, requestId);
    }
    const m = metrics();
    m.httpRequests.inc({ method: e.method, route: e.path, status: String(res.status) });
    m.httpDuration.observe({ method: e.method, route: e.path }, (performance.now() - started) / 1000);
    return res;
  };
}

/** The URL users reach Kiln at: KILN_PUBLIC_URL, else what this request was sent to. */
export function publicOrigin(req: Request): string {
  if (getConfig().publicUrlSet) return getConfig().publicUrl;
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0] ?? "http";
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? new URL(req.url).host;
  return `${proto}://${host}`;
}

export const json = (body: unknown, status = 200) => Response.json(body, { status });
export const noContent = () => new Response(null, { status: 204 });

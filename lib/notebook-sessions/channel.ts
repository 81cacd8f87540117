import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import { type Ctx, refuseServerToken } from "../auth/principal";
import { registerSocket } from "../auth/live-sockets";
import { requireScopes } from "../auth/scope-check";
import { authenticateNodeRequest } from "../auth/upgrade";
import { getDb } from "../db";
import { ForbiddenError, KilnError, UnauthorizedError, ValidationError } from "../errors";
import { errorResponse, fromZod } from "../http/errors";
import { jsonTooDeep, MAX_JSON_DEPTH } from "../http/input";
import { sameOrigin } from "../http/origin";
import { logger } from "../log";
import { metrics } from "../metrics";
import { requireOwnNotebookId } from "../notebooks/find";
import { progressKey, subscribeProgress } from "../servers/progress";
import { completeCode, inspectCode } from "./assist";
import { listVariables } from "./variables";
import { claimNotebook, registerView } from "./owner";
import { type ChannelCommand, channelCommand, MAX_COMMAND_BYTES } from "../execution/channel-protocol";
import { type Sequenced, subscribe } from "../execution/events";
import { answerInput, interruptKernel, kernelInfo, replayForNewView, restartKernel, runCell } from "./verbs";

const PATH = /^\/api\/notebooks\/(\d+)\/channel$/;
/** Ownership is proven at open and again when older than this (a notebook deleted meanwhile). */
const RECHECK_MS = 30_000;
const PING_MS = 25_000;

export const isChannelPath = (path: string) => PATH.test(path);

/** An upgrade refused before it happened: a plain HTTP answer, in the API's error shape. */
async function refuse(socket: Duplex, e: unknown) {
  const res = errorResponse(e, "ws-upgrade");
  const body = await res.text();
  socket.end(`HTTP/1.1 ${res.status} ${res.statusText || "Error"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * GET /api/notebooks/{id}/channel (WebSocket): one authenticated connection per open view
 * that carries the notebook's events and the view's commands, so running a cell costs one
 * small frame each way instead of an HTTP request with its authentication.
 */
export async function acceptNotebookChannel(req: IncomingMessage, socket: Duplex, head: Buffer, wss: WebSocketServer) {
  try {
    const url = new URL(req.url ?? "/", "http://kiln.local");
    const id = Number(PATH.exec(url.pathname)![1]);
    const db = await getDb();
    const { actor, headers } = await authenticateNodeRequest(db, req, url.searchParams.get("token"));
    if (!actor) throw new UnauthorizedError();
    refuseServerToken(actor);
    // The channel runs cells: a token limited by scopes needs `notebooks` (read-only views have /events).
    await requireScopes(db, actor, ["notebooks"]);
    // A WebSocket is not covered by SameSite: a cookie-authenticated one must come from Kiln's own pages.
    if (actor.kind === "user" && actor.via === "session" && !sameOrigin(headers, true)) throw new ForbiddenError("Cross-origin WebSocket refused");
    const ctx: Ctx = { db, actor };
    const nb = await requireOwnNotebookId(ctx, id);
    const after = url.searchParams.get("after");
    if (after !== null && !/^\d+$/.test(after)) throw new ValidationError("after: must be an event id", "after");
    // This replica serves the notebook's views: it owns its kernel session (owner.ts), or the view goes where it moved.
    const owner = await claimNotebook(db, id);
    wss.handleUpgrade(req, socket, head, (ws) => (owner ? serve(ws, ctx, nb, after === null ? null : Number(after)) : ws.close(1013, "the notebook moved to another replica: reconnect")));
  } catch (e) {
    await refuse(socket, e);
  }
}

/**
 * Frames sent in one tick leave in one TCP segment (a cell's end and the kernel's idle state,
 * a command's reply and its first event): the socket is corked until the tick is over.
 */
function corkedSender(ws: WebSocket) {
  const socket = (ws as unknown as { _socket?: import("node:net").Socket })._socket;
  socket?.setNoDelay(true);
  let corked = false;
  return (data: string) => {
    if (socket && !corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    ws.send(data);
  };
}

function serve(ws: WebSocket, ctx: Ctx, nb: { id: number; ownerId: number }, after: number | null) {
  const frame = corkedSender(ws);
  let checkedAt = Date.now();
  let alive = true;
  const send = ({ id, event }: Sequenced) => frame(`{"id":${id},"event":${JSON.stringify(event)}}`);
  const unsubscribe = subscribe(nb.id, after, replayForNewView, send);
  // The server starting or stopping changes what the kernel can be: the view asks again
  // (a kernel lost with its server would otherwise stay "disconnected" until a cell runs).
  const watch = subscribeProgress(progressKey(nb.ownerId, ""), (p) => {
    if (p.ready || p.failed) frame(JSON.stringify({ event: { type: "server" } }));
  });
  const ping = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, PING_MS);
  ws.on("pong", () => (alive = true));
  // Revoking the token or ending the session that opened it closes it (4401: the page signs in again).
  const unregister = registerSocket(ctx.actor, () => ws.close(4401, "credentials revoked"));
  // Another replica took the notebook over: the view reconnects and reaches it there.
  const unview = registerView(nb.id, () => ws.close(1012, "the notebook moved to another replica: reconnect"));
  ws.on("close", () => {
    clearInterval(ping);
    unsubscribe();
    watch.unsubscribe();
    unregister();
    unview();
  });
  ws.on("message", async (data, isBinary) => {
    let requestId: string | null = null;
    try {
      if (isBinary) throw new ValidationError("Commands are JSON text frames");
      const raw = String(data);
      if (raw.length > MAX_COMMAND_BYTES) throw new ValidationError(`A command is at most ${MAX_COMMAND_BYTES} bytes`);
      // The REST endpoints' depth limit (lib/http/input.ts); odd strings are stored losslessly (lib/db/storable.ts).
      if (jsonTooDeep(raw)) throw new ValidationError(`A command nests at most ${MAX_JSON_DEPTH} levels`, "body");
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new ValidationError("A command must be a JSON object", undefined, "invalid_json");
      }
      requestId = typeof (value as { request_id?: unknown })?.request_id === "string" ? (value as { request_id: string }).request_id : null;
      const parsed = channelCommand.safeParse(value);
      if (!parsed.success) throw fromZod(parsed.error);
      if (Date.now() - checkedAt > RECHECK_MS) {
        await requireOwnNotebookId(ctx, nb.id);
        checkedAt = Date.now();
      }
      const result = await run(ctx, nb, parsed.data);
      frame(JSON.stringify({ reply: requestId, ok: true, data: result ?? null }));
      metrics().channelCommands.inc({ op: parsed.data.op, status: "ok" });
    } catch (e) {
      if (!(e instanceof KilnError)) logger().error({ err: e, notebook: nb.id }, "notebook channel command failed");
      const body = (await errorResponse(e, "ws").json()) as { error: unknown };
      frame(JSON.stringify({ reply: requestId, ok: false, error: body.error }));
      metrics().channelCommands.inc({ op: "any", status: "error" });
    }
  });
}

function run(ctx: Ctx, nb: { id: number; ownerId: number }, c: ChannelCommand): Promise<unknown> {
  const input = { id: nb.id };
  switch (c.op) {
    case "execute":
      return runCell(ctx.db, nb, c.cell_id, c.code);
    case "interrupt":
      return interruptKernel({ ctx, input });
    case "restart":
      return restartKernel({ ctx, input });
    case "input":
      return answerInput({ ctx, input: { id: nb.id, value: c.value } });
    case "kernel":
      return kernelInfo({ ctx, input });
    case "complete":
      return completeCode(ctx.db, nb, c);
    case "inspect":
      return inspectCode(ctx.db, nb, c);
    case "variables":
      return listVariables(ctx.db, nb);
  }
}

import { getDb } from "../../db";
import { handle, json, noContent } from "../../http/handle";
import { requireSelfOrAdmin } from "../../auth/principal";
import { findServer, serverBaseUrl } from "../../servers/find";
import { progressKey, type ServerProgress, subscribeProgress } from "../../servers/progress";
import { createImage, listImages, updateImage } from "../../images/manage";
import { capacity } from "../../servers/capacity";
import { listAllServers } from "../../servers/list";
import { startServer } from "../../servers/start";
import { stopServer } from "../../servers/stop";
import { requireUserByName } from "../../users/find";
import { endpoints } from "../endpoints";

export const startServerHandler = handle(endpoints.startServer, async ({ ctx, params, body }) => {
  const r = await startServer({ ctx, input: { name: params.name, serverName: "", options: body } });
  return json(r.server, r.status);
});
export const startNamedServerHandler = handle(endpoints.startNamedServer, async ({ ctx, params, body }) => {
  const r = await startServer({ ctx, input: { name: params.name, serverName: params.server_name, options: body } });
  return json(r.server, r.status);
});
export const stopServerHandler = handle(endpoints.stopServer, async ({ ctx, params }) => {
  await stopServer({ ctx, input: { name: params.name, serverName: "" } });
  return noContent();
});
export const stopNamedServerHandler = handle(endpoints.stopNamedServer, async ({ ctx, params }) => {
  await stopServer({ ctx, input: { name: params.name, serverName: params.server_name } });
  return noContent();
});

/** Server-sent events: the history so far, then live events until ready or failed. */
async function progressStream(name: string, serverName: string) {
  const db = await getDb();
  const user = await requireUserByName(db, name);
  const key = progressKey(user.id, serverName);
  const enc = new TextEncoder();
  let unsubscribe = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const send = (e: ServerProgress) => {
        if (closed) return; // (history past a "ready": a later notice, such as a quota warning)
        controller.enqueue(enc.encode(`data: ${JSON.stringify(e)}\n\n`));
        if (e.ready || e.failed) {
          closed = true;
          unsubscribe();
          controller.close();
        }
      };
      const sub = subscribeProgress(key, (e) => send(e));
      unsubscribe = sub.unsubscribe;
      // A stopped server's history holds its "ready" and then its end: a late reader gets
      // the events up to the last end, not a "ready" for a server that is gone.
      const lastEnd = sub.history.findLastIndex((e) => e.ready || e.failed);
      for (const [i, e] of sub.history.entries()) if (i === lastEnd || (!e.ready && !e.failed)) send(e);
      if (sub.history.length === 0) {
        const row = await findServer(db, user.id, serverName);
        if (row?.status === "ready") send({ progress: 100, message: "Server ready", ready: true, url: serverBaseUrl(name, serverName) });
        else if (!row) send({ progress: 100, message: "The server is not running", failed: true });
      }
    },
    cancel: () => unsubscribe(),
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no" } });
}

export const serverProgressHandler = handle(endpoints.serverProgress, async ({ ctx, params }) => {
  requireSelfOrAdmin(ctx.actor, params.name);
  return progressStream(params.name, "");
});
export const namedServerProgressHandler = handle(endpoints.namedServerProgress, async ({ ctx, params }) => {
  requireSelfOrAdmin(ctx.actor, params.name);
  return progressStream(params.name, params.server_name);
});

export const listImagesHandler = handle(endpoints.listImages, async ({ ctx }) => json(await listImages({ ctx })));
export const createImageHandler = handle(endpoints.createImage, async ({ ctx, params, body }) =>
  json(await createImage({ ctx, input: { ...body, name: params.image } }), 201),
);
export const updateImageHandler = handle(endpoints.updateImage, async ({ ctx, params, body }) =>
  json(await updateImage({ ctx, input: { name: params.image, patch: body } })),
);
export const listServersHandler = handle(endpoints.listServers, async ({ ctx }) => json(await listAllServers({ ctx })));
export const capacityHandler = handle(endpoints.capacity, async ({ ctx }) => json(await capacity({ ctx })));

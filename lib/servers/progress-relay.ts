import type { Database } from "../db/types";
import { WORKER_ID } from "../jobs/worker";
import { logger } from "../log";
import { type ProgressNote, receiveProgress, relayProgress } from "./progress";

const CHANNEL = "kiln_progress";
// NOTIFY payloads must stay under 8000 bytes: a long failure message is cut.
const MAX_MESSAGE = 2000;

/**
 * Server start progress reaches every replica: the one spawning NOTIFYs each event (in
 * order: one after the other, as committed), each other replica records and delivers it to
 * its own subscribers (the progress event streams, the notebook channels), so a browser
 * sees its server start whichever replica it reached. PGlite is one process: local events
 * are all there is.
 */
export async function listenForProgress(database: Database): Promise<void> {
  if (database.raw.kind !== "postgres") return;
  const sql = database.raw.sql;
  try {
    await sql.listen(CHANNEL, (payload) => {
      const { from, note } = JSON.parse(payload) as { from: string; note: ProgressNote };
      if (from !== WORKER_ID) receiveProgress(note); // this replica delivered its own already
    });
  } catch (e) {
    logger().warn({ err: e }, "could not LISTEN for other replicas' server progress: only this replica's spawns are seen here");
    return;
  }
  let last: Promise<unknown> = Promise.resolve();
  relayProgress((note) => {
    if ("event" in note && note.event.message.length > MAX_MESSAGE) note = { key: note.key, event: { ...note.event, message: `${note.event.message.slice(0, MAX_MESSAGE)}…` } };
    const payload = JSON.stringify({ from: WORKER_ID, note });
    last = last.then(() => sql.notify(CHANNEL, payload)).catch((e) => logger().warn({ err: e }, "could not tell the other replicas a server's progress"));
  });
}

import type { Sql } from "postgres";

/** A reserved connection, a transaction, or the pool (which runs the COPY in autocommit). */
export type CopySql = Pick<Sql, "unsafe">;

/**
 * Streams one buffer through COPY FROM STDIN and waits until the server has taken it.
 *
 * postgres.js 3.4.9 never settles the writable when the server rejects the data after
 * CopyDone (porsager/postgres#1173, open): awaiting it alone hangs, and the transaction is
 * never rolled back. The server's error still reaches the query's own `reject`, which
 * postgres.js calls and then ignores because the query already resolved to the stream; we
 * listen there. Where a later release settles the writable itself, that path wins.
 */
export async function copyIn(tx: CopySql, statement: string, data: Buffer): Promise<void> {
  const query = tx.unsafe(statement) as ReturnType<Sql["unsafe"]> & { reject?: (e: unknown) => void };
  const failed = new Promise<never>((_, reject) => {
    const original = query.reject;
    if (original) query.reject = (e: unknown) => (reject(e), original(e));
  });
  failed.catch(() => {}); // raced below; an error before the stream opens rejects writable() too
  const stream = await query.writable();
  const done = new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.end(data, (e?: Error | null) => (e ? reject(e) : resolve()));
  });
  await Promise.race([done, failed]);
}

import type Docker from "dockerode";
import { logger } from "../log";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many times a failed removal is tried, and the pause between: doubling from the first, up to the most. */
export interface RemoveRetry {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs?: number;
}

const DEFAULT_RETRY: RemoveRetry = { attempts: 7, firstDelayMs: 250, maxDelayMs: 8000 };

/**
 * Removes a container for good, killing it first if it runs; true once it is gone.
 *
 * `docker rm -f` marks the container dead before it deletes its filesystem, and leaves it
 * dead when that fails (a mount still busy, a file it cannot unlink): the engine keeps the
 * record and a later removal usually succeeds. Two removals of one container race (a
 * cancel, and the job's own end): the second is refused with 409 while the first runs, and
 * the first may yet fail. So a refused or failed removal is tried again, with a doubling
 * pause (about 16 s in all by default); gone (404) is success. What still fails is logged
 * with the engine's reason, never swallowed: a dead container left behind is a leak.
 */
export async function removeContainer(docker: Docker, id: string, retry: RemoveRetry = DEFAULT_RETRY): Promise<boolean> {
  let delay = retry.firstDelayMs;
  let last: unknown;
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    if (attempt > 0) {
      await sleep(delay);
      delay = Math.min(delay * 2, retry.maxDelayMs ?? Number.POSITIVE_INFINITY);
    }
    try {
      await docker.getContainer(id).remove({ force: true });
      return true;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return true;
      last = e;
    }
  }
  logger().warn({ err: last, container: id }, "could not remove a container");
  return false;
}

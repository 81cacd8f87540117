import type { Db } from "../db";
import type { TrialRow } from "../db/schema";
import { releaseGpus } from "../gpus/allocator";
import { jobRunner } from "../jobs/tracked-job";
import { logger } from "../log";
import { stopPipelineRun } from "../pipelines/runs/cancel";

/** Stops a trial's container, wherever it runs (its row says how), and frees its GPUs. */
export async function stopTrial(db: Db, t: TrialRow) {
  // A pipeline trial's run stops with it (its watcher sees the trial's status, too).
  if (t.pipelineRunId) await stopPipelineRun(db, t.pipelineRunId, null, `Its sweep trial was ${t.status}`).catch(() => {});
  if (t.process) await jobRunner(t.process.spawner).stopJob(t.process.state).catch((e) => logger().warn({ err: e, trial: t.id }, "could not stop a trial"));
  await releaseGpus(db, { kind: "trial", id: String(t.id) }, "trial stopped").catch(() => {});
}

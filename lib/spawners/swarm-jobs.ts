import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { listSwarmNodes } from "./swarm-nodes";
import { type SwarmTask, TERMINAL, taskStopReason, tasksOf } from "./swarm-tasks";

const isNotFound = (e: unknown) => (e as { statusCode?: number }).statusCode === 404;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How the job ended when it did not exit by itself (as opposed to the manager not answering). */
class JobEnded extends Error {}

/** How often a job's task is looked at; how long the manager may fail to answer before the job is given up. */
const POLL_MS = 250;
const UNANSWERED_MS = 30_000;

/**
 * A service's log through the manager (which asks the task's node: Kiln never reaches the
 * other engines). A job runs on a TTY, so the log is raw bytes, not Docker's multiplexed
 * frames. `follow`: the stream stays open while the task runs.
 */
function serviceLog(docker: Docker, service: string, follow: boolean): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) =>
    // Through the modem: dockerode's Service.logs buffers a non-following answer and parses it as JSON when it can ("3\n" would be 3).
    docker.modem.dial(
      { path: `/services/${service}/logs?`, method: "GET", isStream: true, statusCodes: { 200: true, 404: "no such service", 500: "server error", 503: "node is not part of a swarm" }, options: { stdout: true, stderr: true, follow } },
      (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as NodeJS.ReadableStream)),
    ),
  );
}

async function wholeLog(docker: Docker, service: string): Promise<Buffer> {
  const stream = await serviceLog(docker, service, false);
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on("data", (b: Buffer) => chunks.push(b));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

/**
 * Waits for the job's task to end and says how: its process's exit status, or an error when
 * it never ran (rejected by its node, failed to start: the task's own reason) or its node
 * stopped it (drained, lost). A service that is gone was removed by Kiln (stopJob: a
 * timeout, a cancel): 137, as a killed container's.
 */
async function taskEnd(docker: Docker, service: string, onTask: (t: SwarmTask) => void): Promise<number> {
  let seen: SwarmTask | undefined;
  let quietSince = 0;
  for (;;) {
    try {
      const exists = await docker.getService(service).inspect().then(() => true, (e) => (isNotFound(e) ? false : Promise.reject(e)));
      if (!exists) return seen?.Status.ContainerStatus?.ExitCode ?? 137;
      const tasks = await tasksOf(docker, service);
      // One replica, restart none: the service has one task, never a replacement.
      const task = [...tasks].sort((a, b) => a.CreatedAt.localeCompare(b.CreatedAt))[0];
      quietSince = 0;
      if (task) {
        if (task.ID !== seen?.ID || task.NodeID !== seen?.NodeID || task.Status.State !== seen?.Status.State) onTask(task);
        seen = task;
        const { State, Err, ContainerStatus } = task.Status;
        if (TERMINAL.has(State)) {
          if (State === "complete") return ContainerStatus?.ExitCode ?? 0;
          // The program ran and exited non-zero: that is its exit status, not the swarm's failure.
          if (State === "failed" && /^task: non-zero exit/.test(Err ?? "") && ContainerStatus?.ExitCode !== undefined) return ContainerStatus.ExitCode;
          const nodes = await listSwarmNodes(docker).catch(() => []);
          if (State === "failed" || State === "rejected") throw new JobEnded(`the job's swarm task ${State} before its program ran: ${Err ?? task.Status.Message ?? "no reason given"}`);
          throw new JobEnded(`the job was stopped by the swarm: ${taskStopReason(task, nodes)}`);
        }
      }
    } catch (e) {
      if (e instanceof JobEnded) throw e;
      // The manager did not answer: a while, then the job is given up (the caller removes its service).
      quietSince ||= Date.now();
      if (Date.now() - quietSince > UNANSWERED_MS) throw new Error(`the swarm manager did not answer about the job's task for ${UNANSWERED_MS / 1000} s: ${(e as Error).message}`);
    }
    await sleep(POLL_MS);
  }
}

/**
 * A job's output and exit, from its service: the log followed through the manager as it
 * comes; once the task has ended, the whole log is read once more and whatever the followed
 * stream had not delivered yet is added, so every byte comes exactly once, in order, before
 * `exit` answers (a followed service log does not end with its task, and may lag it). From
 * the start of the log each time: an adopting caller skips the bytes it had stored.
 */
export function followJob(docker: Docker, service: string, onTask: (t: SwarmTask) => void = () => {}): { output: NodeJS.ReadableStream; exit: Promise<number> } {
  const output = new PassThrough();
  let delivered = 0;
  let live = true;
  let followed: NodeJS.ReadableStream | null = null;
  const stopFollowing = () => {
    live = false;
    (followed as unknown as { destroy?: () => void } | null)?.destroy?.();
  };
  void serviceLog(docker, service, true).then(
    (stream) => {
      followed = stream;
      if (!live) return stopFollowing();
      stream.on("data", (b: Buffer) => {
        if (!live) return;
        delivered += b.length;
        output.write(b);
      });
      stream.on("error", () => {}); // the whole log at the end fills in
    },
    () => {},
  );
  const finish = async () => {
    stopFollowing();
    const whole = await wholeLog(docker, service).catch(() => null); // gone: removed by Kiln, what came is all there is
    if (whole && whole.length > delivered) output.write(whole.subarray(delivered));
    output.end();
  };
  const exit = taskEnd(docker, service, onTask).then(
    async (code) => {
      await finish();
      return code;
    },
    async (e) => {
      await finish();
      throw e;
    },
  );
  return { output, exit };
}

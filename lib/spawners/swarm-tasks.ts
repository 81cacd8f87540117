import type Docker from "dockerode";
import type { SwarmNode } from "./swarm-nodes";
import type { ProgressEvent } from "./types";

export interface SwarmTask {
  ID: string;
  NodeID?: string;
  CreatedAt: string;
  DesiredState: string;
  Status: { State: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
}

/** Task states after which nothing runs any more. */
export const TERMINAL = new Set(["complete", "shutdown", "failed", "rejected", "orphaned", "remove"]);

/** What each state before running means to someone waiting for their server. */
const STEPS: Record<string, [number, string]> = {
  new: [20, "Waiting for the swarm to place the server"],
  allocated: [20, "Waiting for the swarm to place the server"],
  pending: [20, "Waiting for a node with room"],
  assigned: [30, "Assigned to node"],
  accepted: [35, "Accepted by node"],
  preparing: [40, "Preparing on node"],
  ready: [45, "Ready on node"],
  starting: [50, "Starting on node"],
};

export async function tasksOf(docker: Docker, service: string): Promise<SwarmTask[]> {
  return (await docker.listTasks({ filters: { service: [service] } })) as SwarmTask[];
}

const newest = (tasks: SwarmTask[]) => [...tasks].sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt))[0];
const nodeName = (nodes: SwarmNode[], id?: string) => (id ? (nodes.find((n) => n.id === id)?.hostname ?? id) + ` (${id.slice(0, 12)})` : "");

/**
 * Follows the service's task until it runs, saying each state as it comes (pending ->
 * assigned -> preparing -> starting -> running), with the scheduler's reason while it waits
 * ("no suitable node (insufficient resources on 2 nodes)"). A task that ends first is an error.
 */
export async function waitForTask(docker: Docker, service: string, nodes: SwarmNode[], progress: (e: ProgressEvent) => void, signal: AbortSignal): Promise<SwarmTask> {
  let said = "";
  for (;;) {
    signal.throwIfAborted();
    const task = newest(await tasksOf(docker, service));
    if (task) {
      const { State, Err, Message } = task.Status;
      if (State === "running") return task;
      if (TERMINAL.has(State)) throw new Error(`the swarm task ${State}${Err ? `: ${Err}` : Message ? `: ${Message}` : ""}`);
      const [p, text] = STEPS[State] ?? [25, State];
      const onNode = text.endsWith("node") ? ` ${nodeName(nodes, task.NodeID)}` : "";
      const message = `${text}${onNode}${Err ? `: ${Err}` : ""}`;
      if (message !== said) progress({ progress: p, message: (said = message) });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Why a task stopped, in words: its node drained, down or gone, or the task's own error. */
export function taskStopReason(task: SwarmTask, nodes: SwarmNode[]): string {
  const node = nodes.find((n) => n.id === task.NodeID);
  const name = nodeName(nodes, task.NodeID);
  if (task.NodeID && !node) return `its node ${task.NodeID.slice(0, 12)} left the swarm`;
  if (node?.availability === "drain") return `its node ${name} was drained`;
  if (node && node.state !== "ready") return `its node ${name} is ${node.state}`;
  const { State, Err, Message, ContainerStatus } = task.Status;
  return `its task ${State} on node ${name}${Err ? `: ${Err}` : ContainerStatus?.ExitCode !== undefined ? ` (exit status ${ContainerStatus.ExitCode})` : Message ? `: ${Message}` : ""}`;
}

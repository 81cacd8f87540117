import type { ServerRow } from "../db/schema";
import { serverBaseUrl } from "./find";

/** One entry of a JupyterHub user model's `servers`. */
export function serverModel(user: string, s: ServerRow) {
  return {
    name: s.name,
    ready: s.status === "ready",
    pending: s.status === "pending" ? "spawn" : s.status === "stopping" ? "stop" : null,
    stopped: false,
    url: serverBaseUrl(user, s.name),
    progress_url: `/hub/api/users/${user}/${s.name ? `servers/${s.name}/` : "server/"}progress`,
    started: s.startedAt.toISOString(),
    last_activity: (s.lastActivity ?? s.startedAt).toISOString(),
    user_options: { image: s.image, cpu: s.cpu, memory: s.memoryMb, gpus: s.gpus },
    state: {},
  };
}

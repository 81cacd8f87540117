import { userPath } from "./api";

/** A catalog image, as GET /api/images returns it. */
export interface CatalogImage {
  name: string;
  reference: string;
  description: string;
  default_cpu: number;
  default_memory_mb: number;
  max_cpu: number;
  max_memory_mb: number;
  max_gpus: number;
  enabled: boolean;
  /** The image a server gets when none is asked for (KILN_DEFAULT_IMAGE). */
  default?: boolean;
}

/** One entry of a user model's `servers` ("" is the default server). */
export interface ServerInfo {
  name: string;
  ready: boolean;
  pending: "spawn" | "stop" | null;
  url: string;
  progress_url: string;
  started: string;
  last_activity: string | null;
  user_options: { image: string; cpu: number; memory: number; gpus: number };
}

/** GET /api/servers: every running server with its owner. */
export interface OwnedServer extends ServerInfo {
  user: string;
}

/** The API path of a user's default ("") or named server. */
export function serverPath(user: string, server: string): string {
  return server ? `${userPath(user)}/servers/${encodeURIComponent(server)}` : `${userPath(user)}/server`;
}

export const serverLabel = (name: string) => name || "default";

/** 2048 -> "2 GB", 512 -> "512 MB". */
export function formatMemory(mb: number): string {
  return mb >= 1024 ? `${Number((mb / 1024).toFixed(1))} GB` : `${mb} MB`;
}

export function StatusBadge({ s }: { s: Pick<ServerInfo, "ready" | "pending"> }) {
  if (s.pending === "stop") return <span className="badge badge-neutral">stopping</span>;
  if (s.ready) return <span className="badge badge-success">ready</span>;
  return <span className="badge badge-accent">starting</span>;
}

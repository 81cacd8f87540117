import os from "node:os";
import path from "node:path";
import { isIP } from "node:net";
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no"])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const emails = z
  .string()
  .transform((v) => v.split(",").map((e) => e.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.email()));

/** Every environment variable Kiln reads. README's configuration table mirrors this. */
/** An IP address, or a CIDR range of one (10.1.0.0/16, fd00::/8). */
function isAddressOrCidr(v: string): boolean {
  const [addr, bits, more] = v.split("/");
  const family = isIP(addr ?? "");
  if (!family || more !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    KILN_BIND: z.string().min(1).default("127.0.0.1"),
    KILN_PUBLIC_URL: z.url().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    KILN_DATA_DIR: z.string().min(1).default("./data"),
    KILN_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    KILN_ADMIN_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
    KILN_ADMIN_EMAILS: emails.default([]),
    KILN_SIGNUP: z.enum(["open", "closed"]).default("open"),
    KILN_METRICS_PUBLIC: bool.default(false),
    KILN_AUTH_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
    KILN_SERVING_NICE: z.coerce.number().int().min(0).max(19).default(10),
    KILN_SERVING_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    KILN_SERVING_PROCESSES: z.coerce.number().int().min(1).max(64).optional(),
    KILN_TRUSTED_PROXIES: z
      .string()
      .transform((v) => v.split(",").map((x) => x.trim()).filter(Boolean))
      .refine((list) => list.every(isAddressOrCidr), "must be comma-separated IP addresses or CIDR ranges (e.g. 10.0.0.5,10.1.0.0/16) of the load balancers in front of Kiln")
      .default([]),
    KILN_REPLICA_URL: z.string().url().refine((v) => /^https?:/.test(v), "must be an http(s) URL other Kiln replicas can reach").optional(),
    KILN_SERVING_UNLOAD_AFTER: z.coerce.number().int().min(1).max(86_400).default(300),
    GITHUB_CLIENT_ID: z.string().min(1).optional(),
    GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_NAME: z.string().min(1).default("Single sign-on"),
    KILN_SPAWNER: z.enum(["docker", "local", "swarm"]).optional(),
    KILN_SWARM_DOCKER_HOST: z
      .string()
      .regex(/^(unix:\/\/\/.+|tcp:\/\/[A-Za-z0-9.-]+:\d{1,5})$/, "must be the swarm manager's engine, such as 'unix:///var/run/docker.sock' or 'tcp://manager:2375'")
      .optional(),
    KILN_SWARM_HOMES: z
      .string()
      .regex(/^(pin|volume-driver:[A-Za-z0-9][A-Za-z0-9_.\/:-]*)$/, "must be 'pin' (a user's servers go to the node their home is on) or 'volume-driver:<name>' (homes on a shared volume driver)")
      .default("pin"),
    KILN_SWARM_NETWORK: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a Docker network name")
      .refine((v) => !["host", "bridge", "ingress"].includes(v), "must be an attachable overlay network made for user servers, never the host's, the default bridge or the ingress")
      .optional(),
    KILN_INSTANCE_NAME: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "must be lower-case letters, digits and '-'").default("kiln"),
    KILN_DEFAULT_IMAGE: z.string().min(1).default("python"),
    KILN_LOCAL_PYTHON: z.string().min(1).default("/usr/bin/python3"),
    KILN_DOCKER_NETWORK: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a Docker network name")
      .refine((v) => v !== "host", "host networking would put every user's kernel ports on the host's loopback: use 'none' (no network) or a network made for user servers")
      .default("none"),
    KILN_SERVER_DISK: z
      .string()
      .regex(/^\d{1,6}[MGT]$/, "must be a size such as '20G'")
      .optional(),
    KILN_LOCAL_TRUSTED: bool.default(false),
    KILN_USER_ORIGIN: z
      .string()
      .regex(/^https?:\/\/(\{user\}\.)?[A-Za-z0-9.-]+(:\d{1,5})?\/?$/, "must be an origin such as 'https://{user}.u.example.org' or 'http://127.0.0.1:3001'")
      .optional(),
    KILN_HOME_GRACE_DAYS: z.coerce.number().min(0).max(3650).default(7),
    KILN_SPAWN_TIMEOUT: z.coerce.number().int().min(5).max(3600).default(120),
    KILN_MAX_NAMED_SERVERS: z.coerce.number().int().min(0).max(100).default(3),
    KILN_CONCURRENT_SPAWN_LIMIT: z.coerce.number().int().min(1).max(1000).default(20),
    KILN_IDLE_TIMEOUT: z.coerce.number().int().min(0).default(3600),
    KILN_GPU_IDLE_TIMEOUT: z.coerce.number().int().min(0).default(1800),
    KILN_GPU_QUOTA_GRACE: z.coerce.number().min(0).default(1),
    KILN_WARM_POOL: z
      .string()
      .regex(/^\s*(none|[A-Za-z0-9_.-]+=\d+(\s*,\s*[A-Za-z0-9_.-]+=\d+)*)\s*$/, "must look like 'python=2,pytorch=1' (catalog image = containers kept ready), or 'none'")
      .transform((v) =>
        v.trim() === "none" ? {} : Object.fromEntries(v.split(",").map((p) => p.split("=").map((x) => x.trim())).map(([k, n]) => [k!, Number(n)])),
      )
      .optional(),
    KILN_KERNEL_API_URL: z.url().optional(),
    KILN_STORAGE: z.enum(["local", "s3"]).default("local"),
    KILN_S3_ENDPOINT: z.url().optional(),
    KILN_S3_BUCKET: z.string().min(1).optional(),
    KILN_S3_REGION: z.string().min(1).default("us-east-1"),
    KILN_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    KILN_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    KILN_GPUS: z.enum(["auto", "none", "nvidia-smi"]).default("auto"),
    KILN_GPU_INVENTORY: z.string().min(1).optional(),
    KILN_GPU_QUOTA_DEFAULT: z
      .string()
      .regex(/^\s*(none|(\d+ gpus?)?(\s*,\s*)?(\d+(\.\d+)? gpu-hours?)?)\s*$/i, "must look like '2 gpus, 100 gpu-hours' (either part may be left out), or 'none'")
      .default("none")
      .transform(parseGpuQuota),
    KILN_SERVER_POLL_INTERVAL: z.coerce.number().min(1).max(600).default(10),
    KILN_BLOB_SWEEP_INTERVAL: z.coerce.number().int().min(1).max(7 * 86400).default(3600),
    KILN_PIPELINE_MAX_STEPS: z.coerce.number().int().min(1).max(1000).default(8),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((c, ctx) => {
    if (c.KILN_SERVING_PORT !== undefined && c.KILN_SERVING_PORT === c.PORT) ctx.addIssue({ code: "custom", path: ["KILN_SERVING_PORT"], message: "must differ from PORT (Kiln's own port answers models too)" });
    if (!!c.GITHUB_CLIENT_ID !== !!c.GITHUB_CLIENT_SECRET)
      ctx.addIssue({ code: "custom", path: ["GITHUB_CLIENT_SECRET"], message: "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET go together" });
    const oidc = [c.OIDC_ISSUER, c.OIDC_CLIENT_ID, c.OIDC_CLIENT_SECRET].filter(Boolean).length;
    if (oidc !== 0 && oidc !== 3)
      ctx.addIssue({ code: "custom", path: ["OIDC_ISSUER"], message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together" });
    if (c.KILN_SPAWNER === "swarm" && !c.KILN_SWARM_DOCKER_HOST)
      ctx.addIssue({ code: "custom", path: ["KILN_SWARM_DOCKER_HOST"], message: "is required when KILN_SPAWNER=swarm (the swarm manager's engine)" });
    if (c.KILN_STORAGE === "s3")
      for (const v of ["KILN_S3_ENDPOINT", "KILN_S3_BUCKET", "KILN_S3_ACCESS_KEY_ID", "KILN_S3_SECRET_ACCESS_KEY"] as const)
        if (!c[v]) ctx.addIssue({ code: "custom", path: [v], message: "is required when KILN_STORAGE=s3" });
  });

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  port: number;
  bind: string;
  publicUrl: string;
  /** Whether KILN_PUBLIC_URL was given; if not, URLs follow the Host each request used. */
  publicUrlSet: boolean;
  database: { kind: "postgres"; url: string } | { kind: "pglite"; dir: string };
  dataDir: string;
  secret?: string;
  adminToken?: string;
  adminEmails: string[];
  signupDefault: "open" | "closed";
  metricsPublic: boolean;
  /** The serving process's niceness (0-19): the higher, the more notebooks come first when cores are short, at serving's expense. */
  servingNice: number;
  /** A port of its own for the serving process (models only), beside Kiln's: connections never pass through the main process. */
  servingPort?: number;
  /** How many serving processes answer models side by side (default: one per core but one, left to Kiln and the notebooks; 1 to 4). */
  servingProcesses: number;
  /** Where other Kiln replicas on the same database reach this one (lib/cluster/keeper.ts). */
  replicaUrl?: string;
  /** Load balancers whose X-Forwarded-For is believed (lib/http/client-address.ts). */
  trustedProxies: string[];
  /** Seconds a model version no endpoint routes to stays loaded, idle, before its memory goes back. */
  servingUnloadAfter: number;
  /** Sign-in and sign-up attempts allowed per client address per minute. */
  authRateLimit: number;
  github?: { clientId: string; clientSecret: string };
  oidc?: { issuer: string; clientId: string; clientSecret: string; name: string };
  logLevel: RawConfig["LOG_LEVEL"];
  /**
   * Where user servers are served to browsers, apart from Kiln's own origin: `{user}` in the
   * host gives each user their own (as JupyterHub's subdomain_host). Unset: Kiln's origin,
   * sandboxed.
   */
  userOrigin?: string;
  /** Kiln's URL as kernels reach it (the `kiln` module): this host's loopback by default. */
  kernelApiUrl: string;
  /** Seconds between sweeps of the blob store and of deleted users' homes (one replica runs each). */
  blobSweepIntervalS: number;
  /** Where dataset and artifact chunks are kept. */
  storage: { kind: "local"; dir: string } | { kind: "s3"; endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };
  /** Steps one Kiln process executes at once (more wait in the queue for this or another Kiln). */
  pipelines: { maxSteps: number };
  servers: {
    /** Unset: docker when an engine answers at start-up, else local. */
    spawner?: "docker" | "local" | "swarm";
    /** KILN_SPAWNER=swarm: the manager's engine; where homes live; the overlay network servers join for egress, if any. */
    swarm: { dockerHost: string | null; homes: { kind: "pin" } | { kind: "volume-driver"; driver: string }; network: string | null };
    localPython: string;
    /** Labels this instance's containers, so instances sharing an engine keep apart. */
    instance: string;
    /** The catalog image a start without `image` gets (else the first enabled one). */
    defaultImage: string;
    /** "none" (no network), or the network user containers get for egress. */
    dockerNetwork: string;
    /** Writable-layer size per container, where the storage driver enforces it. */
    diskSize?: string;
    /** KILN_LOCAL_TRUSTED: the operator states that the users of local servers trust each other. */
    localTrusted: boolean;
    /** Days a deleted user's home is kept before it is deleted (unless archived). */
    homeGraceDays: number;
    spawnTimeoutS: number;
    maxNamedServers: number;
    concurrentSpawnLimit: number;
    /** Seconds without traffic or kernel activity before a server is stopped; 0: never. */
    idleTimeoutS: number;
    /** Servers holding GPUs: idle (or their GPUs at 0%) this long and they are stopped; 0: the general rule only. */
    gpuIdleTimeoutS: number;
    /** GPU-hours past a monthly quota a running server may use before it is stopped (it is warned at the quota). */
    gpuQuotaGraceHours: number;
    pollIntervalS: number;
    /**
     * Catalog image name -> containers kept started and ready (Docker spawner only). Unset
     * (null): one of the default image, where the pool can work.
     */
    warmPool: Record<string, number> | null;
    /** Where the GPU inventory comes from: nvidia-smi when installed (auto), or none. */
    gpus: "auto" | "none" | "nvidia-smi";
    /** A declared GPU inventory (JSON: hosts and their GPUs), for hosts Kiln cannot ask; replaces nvidia-smi. */
    gpuInventoryFile: string | null;
    /** The GPU quota of a user with none of their own or their groups' (null: unlimited). */
    gpuQuotaDefault: { maxGpus: number | null; maxGpuHours: number | null };
  };
}

/** "2 gpus, 100 gpu-hours" -> its limits; a part left out (or "none") is no limit. */
function parseGpuQuota(v: string): { maxGpus: number | null; maxGpuHours: number | null } {
  const gpus = /(\d+) gpus?(?!-)/i.exec(v);
  const hours = /(\d+(?:\.\d+)?) gpu-hours?/i.exec(v);
  return { maxGpus: gpus ? Number(gpus[1]) : null, maxGpuHours: hours ? Number(hours[1]) : null };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super("Invalid configuration:\n" + problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws ConfigError naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in a shell `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = configSchema.safeParse(cleaned);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => ({ variable: String(i.path[0] ?? "?"), message: i.message })));
  }
  const c = r.data;
  const dataDir = path.resolve(c.KILN_DATA_DIR);
  return {
    port: c.PORT,
    bind: c.KILN_BIND,
    publicUrl: (c.KILN_PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ""),
    publicUrlSet: !!c.KILN_PUBLIC_URL,
    database: c.DATABASE_URL ? { kind: "postgres", url: c.DATABASE_URL } : { kind: "pglite", dir: path.join(dataDir, "pglite") },
    dataDir,
    secret: c.KILN_SECRET,
    adminToken: c.KILN_ADMIN_TOKEN,
    adminEmails: c.KILN_ADMIN_EMAILS,
    signupDefault: c.KILN_SIGNUP,
    metricsPublic: c.KILN_METRICS_PUBLIC,
    servingNice: c.KILN_SERVING_NICE,
    servingPort: c.KILN_SERVING_PORT,
    servingProcesses: c.KILN_SERVING_PROCESSES ?? Math.max(1, Math.min(4, os.availableParallelism() - 1)),
    replicaUrl: c.KILN_REPLICA_URL?.replace(/\/$/, ""),
    trustedProxies: c.KILN_TRUSTED_PROXIES,
    servingUnloadAfter: c.KILN_SERVING_UNLOAD_AFTER,
    authRateLimit: c.KILN_AUTH_RATE_LIMIT,
    github: c.GITHUB_CLIENT_ID ? { clientId: c.GITHUB_CLIENT_ID, clientSecret: c.GITHUB_CLIENT_SECRET! } : undefined,
    oidc: c.OIDC_ISSUER
      ? { issuer: c.OIDC_ISSUER, clientId: c.OIDC_CLIENT_ID!, clientSecret: c.OIDC_CLIENT_SECRET!, name: c.OIDC_NAME }
      : undefined,
    logLevel: c.LOG_LEVEL,
    userOrigin: c.KILN_USER_ORIGIN?.replace(/\/$/, ""),
    kernelApiUrl: (c.KILN_KERNEL_API_URL ?? `http://127.0.0.1:${c.PORT}`).replace(/\/$/, ""),
    storage:
      c.KILN_STORAGE === "s3"
        ? { kind: "s3", endpoint: c.KILN_S3_ENDPOINT!, bucket: c.KILN_S3_BUCKET!, region: c.KILN_S3_REGION, accessKeyId: c.KILN_S3_ACCESS_KEY_ID!, secretAccessKey: c.KILN_S3_SECRET_ACCESS_KEY! }
        : { kind: "local", dir: path.join(dataDir, "blobs") },
    blobSweepIntervalS: c.KILN_BLOB_SWEEP_INTERVAL,
    pipelines: { maxSteps: c.KILN_PIPELINE_MAX_STEPS },
    servers: {
      spawner: c.KILN_SPAWNER,
      swarm: {
        dockerHost: c.KILN_SWARM_DOCKER_HOST ?? null,
        homes: c.KILN_SWARM_HOMES === "pin" ? { kind: "pin" } : { kind: "volume-driver", driver: c.KILN_SWARM_HOMES.slice("volume-driver:".length) },
        network: c.KILN_SWARM_NETWORK ?? null,
      },
      localPython: c.KILN_LOCAL_PYTHON,
      defaultImage: c.KILN_DEFAULT_IMAGE,
      instance: c.KILN_INSTANCE_NAME,
      dockerNetwork: c.KILN_DOCKER_NETWORK,
      diskSize: c.KILN_SERVER_DISK,
      localTrusted: c.KILN_LOCAL_TRUSTED,
      homeGraceDays: c.KILN_HOME_GRACE_DAYS,
      spawnTimeoutS: c.KILN_SPAWN_TIMEOUT,
      maxNamedServers: c.KILN_MAX_NAMED_SERVERS,
      concurrentSpawnLimit: c.KILN_CONCURRENT_SPAWN_LIMIT,
      idleTimeoutS: c.KILN_IDLE_TIMEOUT,
      gpuIdleTimeoutS: c.KILN_GPU_IDLE_TIMEOUT,
      gpuQuotaGraceHours: c.KILN_GPU_QUOTA_GRACE,
      pollIntervalS: c.KILN_SERVER_POLL_INTERVAL,
      warmPool: c.KILN_WARM_POOL ?? null,
      gpus: c.KILN_GPUS,
      gpuInventoryFile: c.KILN_GPU_INVENTORY ?? null,
      gpuQuotaDefault: c.KILN_GPU_QUOTA_DEFAULT,
    },
  };
}

const KEY = Symbol.for("kiln.config");
type G = typeof globalThis & { [KEY]?: Config };

/** The process-wide configuration, parsed once. */
export function getConfig(): Config {
  const g = globalThis as G;
  return (g[KEY] ??= parseConfig(process.env));
}

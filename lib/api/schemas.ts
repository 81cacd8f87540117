import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../auth/password";
import { scopeProblem } from "../auth/scopes";

/** User names are URL path segments, container and volume names: keep them plain. */
export const userName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "must be 1-63 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
  .describe("JupyterHub-style user name");

export const groupName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 characters: letters, digits, '.', '_' or '-'")
  .describe("Group name");

export const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email("must be an email address"))
  .transform((e) => e.toLowerCase());

const timestamp = z.string().describe("ISO 8601 timestamp");

/** Ids and counters live in int4 columns: a number past them names nothing, and PostgreSQL refuses it. */
export const INT4_MAX = 2_147_483_647;
/** The one id schema of paths and queries: 1..INT4_MAX, else a 400 before any query runs. */
export const idParam = z.coerce.number().int().min(1).max(INT4_MAX);
/** An offset into a list (int4 too). */
export const offsetParam = z.coerce.number().int().min(0).max(INT4_MAX);

export const userModel = z
  .object({
    kind: z.literal("user"),
    name: userName,
    admin: z.boolean(),
    roles: z.array(z.string()),
    groups: z.array(z.string()),
    created: timestamp,
    last_activity: timestamp.nullable(),
    server: z.string().nullable().describe("URL of the default server, when it is ready"),
    pending: z.string().nullable(),
    servers: z.record(z.string(), z.unknown()).describe("Named servers (filled by the servers feature)"),
    email: z.string().nullable().optional().describe("Shown to the user and to admins only"),
    display_name: z.string().nullable().optional(),
  })
  .describe("A user, in JupyterHub's shape");

export const serviceModel = z.object({
  kind: z.literal("service"),
  name: z.string(),
  admin: z.literal(true),
  roles: z.array(z.string()),
});

export const tokenModel = z
  .object({
    id: z.string().describe("Token id, e.g. 'a12'"),
    kind: z.literal("api_token"),
    user: z.string(),
    note: z.string(),
    prefix: z.string().describe("The first characters of the token"),
    created: timestamp,
    expires_at: timestamp.nullable(),
    last_activity: timestamp.nullable(),
    scopes: z.array(z.string()).describe("What the token may do (docs/scopes.md); ['inherit']: everything its owner may do"),
    roles: z.array(z.string()).describe("Always empty: Kiln has scopes, not roles"),
  })
  .describe("An API token (never the secret itself, except once on creation)");

export const newTokenModel = tokenModel.extend({ token: z.string().describe("The secret: shown only in this response") });

export const sessionsEndedModel = z.object({ sessions_ended: z.number().int().describe("Browser sessions that were open and are now ended") });

export const groupModel = z.object({
  kind: z.literal("group"),
  name: groupName,
  users: z.array(z.string()),
  roles: z.array(z.string()),
  properties: z.record(z.string(), z.unknown()),
});

export const serverModel = z
  .object({
    name: z.string(),
    ready: z.boolean(),
    pending: z.enum(["spawn", "stop"]).nullable(),
    stopped: z.boolean(),
    url: z.string(),
    progress_url: z.string(),
    started: timestamp,
    last_activity: timestamp,
    user_options: z.object({ image: z.string(), cpu: z.number(), memory: z.number().describe("MB"), gpus: z.number() }),
    state: z.record(z.string(), z.unknown()),
  })
  .describe("A user's server, in JupyterHub's shape");

export const errorModel = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional().describe("The request field at fault, when there is one"),
  }),
});

// ---- request bodies ----

export const signUpBody = z.object({
  email,
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
  name: userName.optional().describe("User name; derived from the email when left out"),
  display_name: z.string().trim().max(200).optional(),
  invite: z.string().max(200).optional().describe("Invitation code, needed while sign-up is closed"),
});

export const createUserBody = z
  .object({
    admin: z.boolean().default(false),
    email: email.optional(),
    display_name: z.string().trim().max(200).optional(),
  })
  .default({ admin: false });

export const createUsersBody = z.object({
  usernames: z.array(userName).min(1).max(1000),
  admin: z.boolean().default(false),
});

export const patchUserBody = z
  .object({ admin: z.boolean().optional(), display_name: z.string().trim().max(200).optional() })
  .refine((b) => Object.keys(b).length > 0, { message: "nothing to change" });

/** Raw scopes as a client asks for them; an unknown one is a 400 naming `scopes`. */
export const scopeList = z
  .array(z.string().max(300))
  .max(100)
  .superRefine((list, ctx) => {
    const problem = list.map(scopeProblem).find((p) => p !== null);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const createTokenBody = z
  .object({
    note: z.string().max(1000).default(""),
    scopes: scopeList.nullish().describe("JupyterHub's scopes (docs/scopes.md), within the owner's; left out: 'inherit', everything the owner may do"),
    roles: z.array(z.string()).max(0, "Kiln has no roles: ask for scopes instead").optional(),
    expires_in: z
      .number()
      .int("must be a whole number of seconds")
      .positive("must be positive")
      .max(10 * 365 * 24 * 3600, "must be at most ten years")
      .nullish()
      .describe("Seconds until the token expires; never when left out or null"),
  })
  .default({ note: "" });

/** JupyterHub's activity timestamps: ISO 8601 (UTC when no zone is given), at most 59 minutes ahead, as JupyterHub allows. */
const activityTime = z
  .string()
  .max(64)
  .transform((text, ctx) => {
    const at = new Date(/([zZ]|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
    if (!/^\d{4}-\d\d-\d\d/.test(text) || Number.isNaN(at.getTime())) ctx.addIssue({ code: "custom", message: "must be an ISO 8601 timestamp" });
    else if (at.getTime() - Date.now() > 59 * 60_000) ctx.addIssue({ code: "custom", message: "must not be more than an hour in the future" });
    return at;
  })
  .describe("ISO 8601 timestamp");

/** What a single-user server reports (JupyterHub's POST /users/{name}/activity). */
export const activityBody = z
  .object({
    last_activity: activityTime.optional().describe("The user's last activity"),
    servers: z
      .record(z.string().max(255), z.object({ last_activity: activityTime }))
      .optional()
      .describe("Per server ('' is the default server): its last activity"),
  })
  .refine((b) => b.last_activity !== undefined || Object.keys(b.servers ?? {}).length > 0, {
    message: "must contain at least one of last_activity or servers",
    path: ["last_activity"],
  });

export const hubVersionModel = z.object({
  version: z.string().describe("The JupyterHub REST API version Kiln follows (what JupyterHub's clients compare against)"),
  kiln_version: z.string(),
});

export const hubInfoModel = hubVersionModel.extend({
  node: z.string().describe("The Node.js version Kiln runs on (JupyterHub reports its Python here)"),
  sys_executable: z.string(),
  spawner: z.object({ class: z.string(), version: z.string() }),
  authenticator: z.object({ class: z.string(), version: z.string(), providers: z.array(z.string()) }),
});

/** JupyterHub's paginated list (sent when the client accepts application/jupyterhub-pagination+json). */
export const paginated = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    _pagination: z.object({
      offset: z.number(),
      limit: z.number(),
      total: z.number(),
      next: z.object({ offset: z.number(), limit: z.number(), url: z.string() }).nullable(),
    }),
  });

/** A user model as a token limited by scopes sees it: only the fields its scopes cover (JupyterHub's vertical filtering). */
export const scopedUserModel = userModel.partial().required({ kind: true, name: true });

export const groupUsersBody = z.object({ users: z.array(userName).min(1).max(1000) });
export const createGroupBody = z.object({ users: z.array(userName).max(1000).default([]) }).default({ users: [] });

export const inviteModel = z.object({
  id: z.number().int(),
  email: z.string().nullable().describe("Only this email may use it, when set"),
  note: z.string(),
  status: z.enum(["pending", "used", "expired"]),
  created: timestamp,
  expires_at: timestamp,
  used_at: timestamp.nullable(),
});
export const newInviteModel = inviteModel.extend({
  code: z.string().describe("The invitation code: shown only in this response"),
  url: z.string().describe("The sign-up link to send"),
});
export const createInviteBody = z
  .object({
    email: email.optional(),
    note: z.string().max(1000).default(""),
    expires_in: z.number().int().positive("must be positive").max(90 * 24 * 3600, "must be at most 90 days").optional(),
  })
  .default({ note: "" });
export type InviteModel = z.infer<typeof inviteModel>;

export const settingsModel = z.object({ signup: z.enum(["open", "closed"]) });
export const patchSettingsBody = settingsModel.partial();

export const tokenId = z
  .string()
  .regex(/^a?\d{1,10}$/, "must be a token id such as 'a12'")
  .transform((s) => Number(s.replace(/^a/, "")))
  .refine((n) => n <= INT4_MAX, "must be a token id such as 'a12'");

export const healthModel = z.object({
  status: z.enum(["ok", "error"]),
  db: z.enum(["ok", "unavailable"]),
  backend: z.enum(["postgres", "pglite"]).optional(),
  version: z.string(),
});

export type UserModel = z.infer<typeof userModel>;
export type TokenModel = z.infer<typeof tokenModel>;
export type GroupModel = z.infer<typeof groupModel>;

import { type Ctx, requireAdmin } from "../auth/principal";
import { getConfig } from "../config";
import { defaultSpawner } from "../spawners/registry";
import { KILN_VERSION } from "../version";

/**
 * The JupyterHub REST API version Kiln answers as. JupyterHub's clients gate features on
 * the version `GET /hub/api/` reports (the idle culler asks for `?state=` from 1.3.0 on), so
 * it names the JupyterHub API Kiln follows; Kiln's own version is beside it.
 */
export const JUPYTERHUB_API_VERSION = "5.2.1";

/** GET /hub/api/: no credentials needed, as JupyterHub's. */
export const hubVersion = () => ({ version: JUPYTERHUB_API_VERSION, kiln_version: KILN_VERSION });

const SPAWNER_CLASSES = { docker: "kiln.spawners.DockerSpawner", local: "kiln.spawners.LocalProcessSpawner", swarm: "kiln.spawners.SwarmSpawner" } as const;

/**
 * GET /hub/api/info (admins): JupyterHub's shape. Kiln runs on Node, not Python: `node` and
 * `sys_executable` say what it runs on; the spawner is the one new servers get.
 */
export function hubInfo({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  const c = getConfig();
  return {
    ...hubVersion(),
    node: process.version,
    sys_executable: process.execPath,
    spawner: { class: SPAWNER_CLASSES[defaultSpawner()], version: KILN_VERSION },
    authenticator: {
      class: "kiln.auth.NextAuthAuthenticator",
      version: KILN_VERSION,
      providers: ["credentials", ...(c.github ? ["github"] : []), ...(c.oidc ? ["oidc"] : [])],
    },
  };
}

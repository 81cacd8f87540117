// `npm start`: install what is missing, build if needed, then run Kiln's server.
import { spawn, spawnSync } from "node:child_process";
import { ensureBuild, ensureDependencies, root, say } from "./lib.mjs";

ensureDependencies();
ensureBuild();
// Without a Docker engine user servers are local Jupyter processes: provision them as
// `npm test` does, or say exactly what is missing. (With Docker, Kiln builds a missing
// image itself, and the first start waits for it.)
const dockerAnswers = spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0;
if (process.env.KILN_SPAWNER === "local" || (!dockerAnswers && process.env.KILN_SPAWNER !== "docker")) {
  const { ensureLocalJupyter } = await import("./provision.mjs");
  try {
    ensureLocalJupyter();
  } catch (e) {
    say(`local servers need Debian's Jupyter Server and ipykernel, which could not be installed (${e.message}):`);
    say("  sudo apt-get install python3-jupyter-server python3-ipykernel python3-numpy python3-terminado");
  }
}
say("starting Kiln");
const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...process.env },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
// `npm start` runs us under `sh -c`, which does not pass SIGTERM on: if our parent goes
// away, stop Kiln cleanly rather than leave it running orphaned.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && child.kill("SIGTERM"), 500).unref();
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// `npm start`: install what is missing, build if needed, then run Kiln's server.
import { spawn } from "node:child_process";
import { ensureBuild, ensureDependencies, root, say } from "./lib.mjs";

ensureDependencies();
ensureBuild();
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

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
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// `npm test`: provision, build if needed, run the whole suite.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ensureBuild, ensureDependencies, root, say } from "./lib.mjs";

ensureDependencies();
const { ensureChromium, ensurePostgres } = await import("./provision.mjs");
ensurePostgres();
ensureChromium();
ensureBuild();
say("running the test suite");
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const r = spawnSync(process.execPath, [vitest, "run", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);

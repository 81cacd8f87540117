// Shared steps of `npm start` and `npm test`: each is idempotent and skips what is done.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
}

export function say(msg) {
  process.stdout.write(`[kiln] ${msg}\n`);
}

function hashFiles(entries) {
  const h = crypto.createHash("sha256");
  const walk = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) walk(path.join(p, name));
    } else {
      h.update(path.relative(root, p)).update("\0").update(fs.readFileSync(p));
    }
  };
  for (const e of entries) walk(path.join(root, e));
  return h.digest("hex");
}

/** `npm ci` when node_modules is missing or was installed from another lockfile. */
export function ensureDependencies() {
  const stamp = path.join(root, "node_modules", ".kiln-lock-hash");
  const want = hashFiles(["package-lock.json"]);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === want) return;
  say("installing dependencies (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
  fs.writeFileSync(stamp, want);
}

const BUILD_INPUTS = ["app", "lib", "drizzle", "next.config.ts", "tsconfig.json", "package-lock.json", "postcss.config.mjs"];

/** `next build` only when the sources changed since the last build. */
export function ensureBuild() {
  const dist = path.join(root, process.env.KILN_NEXT_DIST_DIR || ".next"); // next.config.ts reads the same variable
  const stamp = path.join(dist, "kiln-build-stamp");
  const want = hashFiles(BUILD_INPUTS);
  if (fs.existsSync(path.join(dist, "BUILD_ID")) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === want) return;
  say("building the web app (next build)");
  run(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  say("preparing the embedded database template");
  run(process.execPath, ["--import", "tsx", path.join(root, "scripts", "pglite-template.ts")]);
  fs.writeFileSync(stamp, want);
}

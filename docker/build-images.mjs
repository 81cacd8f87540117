// `npm run images [name...]`: builds Kiln's framework images without a registry: a base
// from Debian packages (base-image.mjs, minutes, once) and Kiln's own files on top. Each is
// tagged with a hash of what goes into it and built only when that tag is missing.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildBase } from "./base-image.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const say = (m) => process.stdout.write(`[kiln images] ${m}\n`);

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
  return r;
}

export function recipes() {
  return fs
    .readdirSync(path.join(root, "kernels"))
    .filter((d) => fs.existsSync(path.join(root, "kernels", d, "image.json")))
    .map((d) => JSON.parse(fs.readFileSync(path.join(root, "kernels", d, "image.json"), "utf8")))
    .filter((r) => Array.isArray(r.debian_packages));
}

/**
 * Two layers, so that Kiln's own files can change without minutes of debootstrap: the base
 * (Debian packages, the user) is tagged by its package list and this builder's base steps;
 * the image adds kernels/common (Jupyter config, the kiln_jupyter extension, the `kiln`
 * module) on top with a quick `docker build`, tagged by the base and those files.
 */
const COMMON = path.join(root, "kernels", "common");
const COMMON_FILES = [
  ["jupyter_server_config.py", "/etc/jupyter/jupyter_server_config.py"],
  ["kiln_jupyter.py", "/usr/lib/python3/dist-packages/kiln_jupyter.py"],
  ["kiln", "/usr/lib/python3/dist-packages/kiln"],
];

/** Every file under kernels/common that goes into an image, in a stable order (no caches). */
function commonFiles() {
  const out = [];
  const walk = (rel) => {
    const abs = path.join(COMMON, rel);
    if (fs.statSync(abs).isDirectory()) {
      for (const e of fs.readdirSync(abs).sort()) if (e !== "__pycache__") walk(path.join(rel, e));
    } else out.push(rel);
  };
  for (const [f] of COMMON_FILES) walk(f);
  return out;
}

const BASE_STEPS = fileURLToPath(new URL("./base-image.mjs", import.meta.url));

export function baseTag(recipe) {
  const h = crypto.createHash("sha256");
  h.update(JSON.stringify(recipe.debian_packages));
  h.update(fs.readFileSync(BASE_STEPS));
  return `kiln/${recipe.name}-base:${h.digest("hex").slice(0, 12)}`;
}

/** kiln/<name>:<hash of everything that goes into the image>. */
export function imageTag(recipe) {
  const h = crypto.createHash("sha256");
  h.update(baseTag(recipe));
  for (const f of commonFiles()) h.update(f).update(fs.readFileSync(path.join(COMMON, f)));
  h.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  return `kiln/${recipe.name}:${h.digest("hex").slice(0, 12)}`;
}

const exists = (tag) => spawnSync("docker", ["image", "inspect", tag], { stdio: "ignore" }).status === 0;

/** Kiln's files on top of the base: seconds, no network. */
function buildImage(recipe, base, tag) {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), `kiln-image-${recipe.name}-`));
  try {
    for (const f of commonFiles()) {
      fs.mkdirSync(path.dirname(path.join(ctx, f)), { recursive: true });
      fs.copyFileSync(path.join(COMMON, f), path.join(ctx, f));
    }
    const copies = COMMON_FILES.map(([f, to]) => `COPY ${f} ${to}`).join("\n");
    fs.writeFileSync(path.join(ctx, "Dockerfile"), `FROM ${base}\nUSER root\n${copies}\nRUN python3 -m compileall -q /usr/lib/python3/dist-packages/kiln\nUSER jovyan\n`);
    // The classic builder: the engine here has no BuildKit, and nothing needs a network.
    sh("docker", ["build", "--network", "none", "-q", "-t", tag, ctx], { env: { ...process.env, DOCKER_BUILDKIT: "0" }, stdio: ["ignore", "ignore", "inherit"] });
    sh("docker", ["tag", tag, `kiln/${recipe.name}:latest`]);
    removeOlder(`kiln/${recipe.name}`, tag);
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

/** Older builds of an image are replaced, not kept: each base is 1-2 GB. */
function removeOlder(repo, keep) {
  const tags = spawnSync("docker", ["images", repo, "--format", "{{.Repository}}:{{.Tag}}"], { encoding: "utf8" }).stdout;
  for (const old of tags.split("\n").filter((t) => t && t !== keep && !t.endsWith(":latest"))) spawnSync("docker", ["rmi", old], { stdio: "ignore" });
}

/** Builds the named images (all with an offline recipe by default) that are missing. */
export function ensureImages(names) {
  const wanted = recipes().filter((r) => !names?.length || names.includes(r.name));
  for (const r of wanted) {
    const tag = imageTag(r);
    if (exists(tag)) continue;
    const base = baseTag(r);
    if (!exists(base)) {
      buildBase(r, base);
      removeOlder(`kiln/${r.name}-base`, base);
    }
    buildImage(r, base, tag);
    say(`${tag}: built on ${base}`);
  }
  return Object.fromEntries(wanted.map((r) => [r.name, imageTag(r)]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ensureDockerEngine } = await import("../scripts/docker-engine.mjs");
  await ensureDockerEngine();
  const built = ensureImages(process.argv.slice(2));
  for (const [name, tag] of Object.entries(built)) say(`${name}: ${tag}`);
}

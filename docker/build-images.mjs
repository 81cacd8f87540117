// `npm run images [name...]`: builds Kiln's framework images without a registry, from
// Debian packages: debootstrap a minimal bookworm, apt-get the kernel's packages inside it,
// add the unprivileged user and Kiln's Jupyter config, then `docker import`. An image is
// tagged with a hash of its recipe and built only when that tag is missing (minutes, once).
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const say = (m) => process.stdout.write(`[kiln images] ${m}\n`);

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
  return r;
}

/** The Debian mirror this machine's apt uses: never written into the repository. */
function debianMirror() {
  const dir = "/etc/apt/sources.list.d";
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const m = /^URIs:\s*(\S+)/m.exec(fs.readFileSync(path.join(dir, f), "utf8"));
    if (m && /debian\/?$/.test(m[1])) return m[1];
  }
  const list = fs.existsSync("/etc/apt/sources.list") ? fs.readFileSync("/etc/apt/sources.list", "utf8") : "";
  const m = /^deb\s+(\S+)\s+bookworm\s/m.exec(list);
  if (m) return m[1];
  throw new Error("no Debian mirror found in /etc/apt/sources.list.d or /etc/apt/sources.list");
}

export function recipes() {
  return fs
    .readdirSync(path.join(root, "kernels"))
    .filter((d) => fs.existsSync(path.join(root, "kernels", d, "image.json")))
    .map((d) => JSON.parse(fs.readFileSync(path.join(root, "kernels", d, "image.json"), "utf8")))
    .filter((r) => Array.isArray(r.debian_packages));
}

/** Every image gets Kiln's Jupyter config and extension (spare kernel, warm-pool claim). */
const COMMON_FILES = ["jupyter_server_config.py", "kiln_jupyter.py"];

/** kiln/<name>:<hash of everything that goes into the image>. */
export function imageTag(recipe) {
  const h = crypto.createHash("sha256");
  h.update(JSON.stringify(recipe.debian_packages));
  for (const f of COMMON_FILES) h.update(fs.readFileSync(path.join(root, "kernels", "common", f)));
  h.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  return `kiln/${recipe.name}:${h.digest("hex").slice(0, 12)}`;
}

const exists = (tag) => spawnSync("docker", ["image", "inspect", tag], { stdio: "ignore" }).status === 0;

function build(recipe, tag) {
  if (!fs.existsSync("/usr/sbin/debootstrap")) {
    sh("apt-get", ["install", "-y", "-qq", "debootstrap"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  }
  const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), `kiln-image-${recipe.name}-`));
  const mirror = debianMirror();
  const t0 = Date.now();
  try {
    say(`${tag}: debootstrap bookworm`);
    sh("debootstrap", ["--variant=minbase", "bookworm", rootfs, mirror], { stdio: ["ignore", "ignore", "inherit"] });
    fs.writeFileSync(path.join(rootfs, "etc/apt/sources.list"), `deb ${mirror} bookworm main\ndeb ${mirror} bookworm-updates main\n`);
    sh("mount", ["-t", "proc", "proc", path.join(rootfs, "proc")]);
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" };
      say(`${tag}: apt-get install ${recipe.debian_packages.length} packages`);
      sh("chroot", [rootfs, "apt-get", "update", "-qq"], { env });
      // apt-get (not debootstrap --include) so virtual packages resolve (python3-zmq needs python3-cffi-backend).
      sh("chroot", [rootfs, "apt-get", "install", "-y", "-qq", "--no-install-recommends", ...recipe.debian_packages], {
        env, stdio: ["ignore", "ignore", "inherit"],
      });
      sh("chroot", [rootfs, "apt-get", "clean"], { env });
      sh("chroot", [rootfs, "useradd", "--uid", "1000", "--create-home", "--shell", "/bin/bash", "jovyan"], { env });
    } finally {
      spawnSync("umount", [path.join(rootfs, "proc")]);
    }
    fs.mkdirSync(path.join(rootfs, "etc/jupyter"), { recursive: true });
    fs.copyFileSync(path.join(root, "kernels/common/jupyter_server_config.py"), path.join(rootfs, "etc/jupyter/jupyter_server_config.py"));
    fs.copyFileSync(path.join(root, "kernels/common/kiln_jupyter.py"), path.join(rootfs, "usr/lib/python3/dist-packages/kiln_jupyter.py"));
    fs.rmSync(path.join(rootfs, "var/lib/apt/lists"), { recursive: true, force: true });
    say(`${tag}: docker import`);
    const tar = spawnSync("sh", ["-c", `tar -C "${rootfs}" -c . | docker import ${[
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "ENV LANG=C.UTF-8",
      "ENV PYDEVD_DISABLE_FILE_VALIDATION=1", // ipykernel 6.17 on Python 3.11 warns about frozen modules on every start
      "USER jovyan",
      "WORKDIR /home/jovyan",
      `LABEL org.kiln.image=${recipe.name}`,
    ].map((c) => `--change '${c}'`).join(" ")} - ${tag}`], { stdio: ["ignore", "ignore", "inherit"] });
    if (tar.status !== 0) throw new Error("docker import failed");
    sh("docker", ["tag", tag, `kiln/${recipe.name}:latest`]);
    // Older builds of this image are replaced, not kept: each is 1-2 GB.
    const tags = spawnSync("docker", ["images", `kiln/${recipe.name}`, "--format", "{{.Repository}}:{{.Tag}}"], { encoding: "utf8" }).stdout;
    for (const old of tags.split("\n").filter((t) => t && t !== tag && !t.endsWith(":latest"))) spawnSync("docker", ["rmi", old], { stdio: "ignore" });
    say(`${tag}: built in ${Math.round((Date.now() - t0) / 1000)} s`);
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
}

/** Builds the named images (all with an offline recipe by default) that are missing. */
export function ensureImages(names) {
  const wanted = recipes().filter((r) => !names?.length || names.includes(r.name));
  for (const r of wanted) {
    const tag = imageTag(r);
    if (exists(tag)) continue;
    build(r, tag);
  }
  return Object.fromEntries(wanted.map((r) => [r.name, imageTag(r)]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ensureDockerEngine } = await import("../scripts/docker-engine.mjs");
  await ensureDockerEngine();
  const built = ensureImages(process.argv.slice(2));
  for (const [name, tag] of Object.entries(built)) say(`${name}: ${tag}`);
}

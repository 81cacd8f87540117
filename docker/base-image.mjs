// The base of a Kiln image, from Debian packages and no registry: debootstrap a minimal
// bookworm, apt-get the kernel's packages inside it, add the unprivileged user, then
// `docker import`. Minutes, so build-images.mjs builds it only when its tag is missing;
// Kiln's own files go on top there, in a layer of their own.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

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

export function buildBase(recipe, tag) {
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
    say(`${tag}: built in ${Math.round((Date.now() - t0) / 1000)} s`);
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
}


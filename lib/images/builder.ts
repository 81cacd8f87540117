import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import { logger } from "../log";

/**
 * Kiln's own images (`kiln/<recipe>:latest`, kernels/<recipe>/image.json) build offline
 * (docker/build-images.mjs): a start that needs one whose current build is missing (a fresh
 * machine, or Kiln's files in the image changed) waits for the build instead of failing,
 * and says so in its progress. One build per image at a time, in a child process whose
 * output goes to Kiln's terminal; the engine's cache makes a rebuild of Kiln's layer seconds.
 */
const ROOT = process.cwd();
const BUILDER = path.join(ROOT, "docker", "build-images.mjs");
const KEY = Symbol.for("kiln.imageBuilds");
type G = typeof globalThis & { [KEY]?: Map<string, Promise<void>> };
const builds = () => ((globalThis as G)[KEY] ??= new Map());

interface Recipe {
  name: string;
}
interface BuildScript {
  recipes(): Recipe[];
  imageTag(recipe: Recipe): string;
}

/** The recipe behind a catalog reference, when Kiln can build it. */
function recipeOf(reference: string): string | null {
  const m = /^kiln\/([a-z0-9][a-z0-9-]*):latest$/.exec(reference);
  return m && fs.existsSync(path.join(ROOT, "kernels", m[1]!, "image.json")) ? m[1]! : null;
}

const tags = new Map<string, string>();

/** The tag of the build that matches this checkout's recipe and files (hashed once per process). */
async function currentTag(recipe: string): Promise<string> {
  let tag = tags.get(recipe);
  if (!tag) {
    const script = (await import(BUILDER)) as BuildScript;
    const r = script.recipes().find((x) => x.name === recipe);
    if (!r) throw new Error(`no recipe ${recipe}`);
    tags.set(recipe, (tag = script.imageTag(r)));
  }
  return tag;
}

function build(recipe: string): Promise<void> {
  return new Promise((resolve, reject) => {
    logger().info({ image: recipe }, "building an image Kiln needs (once)");
    const child = spawn(process.execPath, [BUILDER, recipe], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`building the image ${recipe} failed (exit ${code}): see Kiln's output`))));
  });
}

/**
 * Resolves once `reference` is in the engine as Kiln's current build; builds it if it is one
 * of Kiln's recipes and is missing. Anything else (a site's own image) is left to the engine.
 */
export async function ensureImage(docker: Docker, reference: string, progress?: (message: string) => void): Promise<void> {
  const recipe = recipeOf(reference);
  if (!recipe) return;
  const tag = await currentTag(recipe);
  if (await docker.getImage(tag).inspect().then(() => true, () => false)) return;
  progress?.(`Building the image ${recipe} (the first time on this machine: a few minutes)`);
  let p = builds().get(recipe);
  if (!p) {
    p = build(recipe).finally(() => builds().delete(recipe));
    builds().set(recipe, p);
  }
  await p;
}

/** At start-up: the default image's build begins at once, so the first start finds it sooner. */
export function prebuild(docker: Docker, reference: string) {
  void ensureImage(docker, reference).catch((e) => logger().warn({ err: e, image: reference }, "could not build the default image"));
}

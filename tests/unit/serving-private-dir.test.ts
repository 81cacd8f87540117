import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { makePrivateDir, removeDeadOwnersDirs } from "@/lib/serving/process/private-dir";

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-private-dir-test-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The id of a process that has ended (and was reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

function leftover(name: string, owner: string | null): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { mode: 0o700 });
  fs.writeFileSync(path.join(dir, "kiln.sock"), ""); // stands for the socket a killed Kiln left
  if (owner !== null) fs.writeFileSync(path.join(dir, "owner.pid"), owner);
  return dir;
}

test("a Kiln killed without stopping leaves its serving sockets' folder: the next Kiln removes it, and only it", () => {
  const dead = leftover("kiln-serving-dead", `${deadPid()}\n`);
  const running = leftover("kiln-serving-running", `${process.ppid}\n`); // a live process: another Kiln on this machine
  const unnamed = leftover("kiln-serving-old", null); // made before owners were named: not judged
  const garbled = leftover("kiln-serving-garbled", "not a pid");
  const other = leftover("something-else", `${deadPid()}\n`);

  const mine = makePrivateDir(tmp);

  expect(fs.existsSync(dead)).toBe(false);
  for (const kept of [running, unnamed, garbled, other]) expect(fs.existsSync(kept)).toBe(true);
  // the new folder names this process, is private, and is not removed by a later pass
  expect(fs.readFileSync(path.join(mine, "owner.pid"), "utf8").trim()).toBe(String(process.pid));
  expect(fs.statSync(mine).mode & 0o777).toBe(0o700);
  expect(removeDeadOwnersDirs(tmp)).toEqual([]);
  expect(fs.existsSync(mine)).toBe(true);
});

test("a leftover name that is a link, not a folder, is not followed", () => {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-private-dir-target-"));
  try {
    fs.writeFileSync(path.join(target, "owner.pid"), `${deadPid()}\n`);
    fs.symlinkSync(target, path.join(tmp, "kiln-serving-link"));
    expect(removeDeadOwnersDirs(tmp)).toEqual([]);
    expect(fs.existsSync(path.join(target, "owner.pid"))).toBe(true);
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
  }
});

import crypto from "node:crypto";
import os from "node:os";

/** Who this process is, in the rows of the steps, sweeps and trials it runs. */
export const WORKER_ID = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

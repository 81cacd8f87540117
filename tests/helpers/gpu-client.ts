// A second Kiln process, as far as the GPU allocator is concerned: opens the same PostgreSQL
// and asks for GPUs beside the test's own process. Prints one JSON line per answer.
// usage: node --import tsx tests/helpers/gpu-client.ts <database-url> <prefix> <user-id,...>
import { openDatabase } from "../../lib/db/open";
import { requestGpus, waitForGpus } from "../../lib/gpus/allocator";
import { listenForGpuEvents } from "../../lib/gpus/listen";

const [url, prefix, userList] = process.argv.slice(2) as [string, string, string];
const database = await openDatabase({ kind: "postgres", url });
await listenForGpuEvents(database);
const users = userList.split(",").map(Number);
const answers = await Promise.all(
  users.map((userId, i) => requestGpus(database.db, { holder: { kind: "server", id: `${prefix}-${i}` }, userId, count: 1, wait: true })),
);
for (const [i, a] of answers.entries()) process.stdout.write(`${JSON.stringify({ holder: `${prefix}-${i}`, ...a })}\n`);
// then wait for the queued ones to be granted (by releases in the other process)
await Promise.all(
  answers.map(async (a, i) => {
    if (a.state !== "queued") return;
    const uuids = await waitForGpus(database.db, { kind: "server", id: `${prefix}-${i}` }, () => {});
    process.stdout.write(`${JSON.stringify({ holder: `${prefix}-${i}`, state: "granted-later", uuids })}\n`);
  }),
);
await database.close();
process.exit(0);

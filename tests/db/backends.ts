import { openDatabase } from "../../lib/db/open";
import type { Database } from "../../lib/db/types";
import { createTempDatabase, dropDatabase } from "../helpers/pg";

export interface Backend {
  name: "pglite" | "postgres";
  /** A fresh, migrated, empty database; `reopen` opens the same one again (re-running migrations). */
  fresh(): Promise<{ database: Database; reopen: () => Promise<Database>; dispose: () => Promise<void> }>;
}

/** The two backends every database test runs against: one code path, two drivers. */
export const backends: Backend[] = [
  {
    name: "pglite",
    async fresh() {
      const fs = await import("node:fs");
      const os = await import("node:os");
      const path = await import("node:path");
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-dbtest-"));
      const database = await openDatabase({ kind: "pglite", dir });
      return {
        database,
        reopen: () => openDatabase({ kind: "pglite", dir }),
        dispose: async () => {
          await database.close().catch(() => {});
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    async fresh() {
      const tmp = await createTempDatabase("db");
      const database = await openDatabase({ kind: "postgres", url: tmp.url });
      return {
        database,
        reopen: () => openDatabase({ kind: "postgres", url: tmp.url }),
        dispose: async () => {
          await database.close().catch(() => {});
          await dropDatabase(tmp.name);
        },
      };
    },
  },
];

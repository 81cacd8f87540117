import { expect, test } from "vitest";
import { NotebookStore } from "@/app/_components/notebook/store";
import type { NbDocument } from "@/app/_components/notebook/types";

const doc = {
  cells: [
    { id: "a", cell_type: "code", source: "1+1", metadata: {}, outputs: [], execution_count: null },
    { id: "b", cell_type: "code", source: "2+2", metadata: {}, outputs: [], execution_count: null },
  ],
  metadata: {},
} as unknown as NbDocument;

test("a held store changes at once, and its views hear of every change once, on release", () => {
  const store = new NotebookStore();
  store.load(doc);
  const heard: string[] = [];
  store.subscribeSelection(() => heard.push(`selection:${store.selected}`));
  store.subscribeRun("a", () => heard.push(`run:${store.run("a").status}`));
  const offB = store.subscribeRun("b", () => heard.push("run b"));

  store.hold();
  store.setRun("a", { ...store.run("a"), status: "queued" });
  store.select("b", "command");
  store.setRun("a", { ...store.run("a"), status: "running" });
  store.setRun("b", { ...store.run("b"), status: "queued" });
  offB(); // a view that went away meanwhile hears nothing
  // what code reads is current (the next key acts on the new selection)...
  expect(store.selected).toBe("b");
  expect(store.run("a").status).toBe("running");
  // ...what is on screen has not been told yet
  expect(heard).toEqual([]);

  store.release();
  expect(heard.sort()).toEqual(["run:running", "selection:b"]);

  // released: changes are heard at once again, and a second release repeats nothing
  store.release();
  store.select("a", "command");
  expect(heard.sort()).toEqual(["run:running", "selection:a", "selection:b"]);
});

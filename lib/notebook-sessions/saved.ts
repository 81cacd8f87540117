import { publish } from "../execution/events";
import { currentSession } from "./sessions";

/**
 * After a save (or a restored revision) committed: every open view hears the new revision
 * (another tab loads the sources it now shows outputs for), and cells that ran before the
 * save brought them into the stored notebook get their outputs written there.
 */
export function notebookSaved(notebookId: number, revision: number) {
  publish(notebookId, { type: "saved", revision });
  void currentSession(notebookId)?.then((s) => s.notebookSaved(), () => undefined);
}

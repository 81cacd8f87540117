import type { Endpoint } from "./endpoint";
import * as h from "./handlers/sweeps";
import type { Handler } from "./routes";
import { sweepEndpoints as e } from "./sweeps-endpoints";

export const sweepRoutes: [Endpoint, Handler][] = [
  [e.createSweep, h.createSweepHandler],
  [e.listSweeps, h.listSweepsHandler],
  [e.getSweep, h.getSweepHandler],
  [e.cancelSweep, h.cancelSweepHandler],
  [e.trialLog, h.trialLogHandler],
  [e.shouldStop, h.shouldStopHandler],
];

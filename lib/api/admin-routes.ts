import { adminEndpoints as e } from "./admin-endpoints";
import type { Endpoint } from "./endpoint";
import * as h from "./handlers/admin";
import type { Handler } from "./routes";

export const adminRoutes: [Endpoint, Handler][] = [
  [e.listHomes, h.listHomesHandler],
  [e.deleteHome, h.deleteHomeHandler],
  [e.isolation, h.isolationHandler],
];

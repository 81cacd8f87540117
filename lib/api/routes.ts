import type { Endpoint } from "./endpoint";
import { endpoints as e } from "./endpoints";
import * as account from "./handlers/account";
import * as groups from "./handlers/groups";
import * as notebooks from "./handlers/notebooks";
import * as servers from "./handlers/servers";
import * as system from "./handlers/system";
import * as tokens from "./handlers/tokens";
import * as users from "./handlers/users";
import { datasetRoutes } from "./datasets-routes";
import { runRoutes } from "./runs-routes";
import { adminRoutes } from "./admin-routes";
import { gpuRoutes } from "./gpu-routes";
import { modelRoutes } from "./models-routes";
import { pipelineRoutes } from "./pipelines-routes";
import { sweepRoutes } from "./sweeps-routes";
import { servingExtraEndpoints as se } from "./serving-extra-endpoints";
import * as servingExtra from "./handlers/serving-extra";
import { notebookFileRoutes } from "./notebook-files-routes";

export type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>;

/** Every JSON endpoint and its handler: the one table Kiln's API router serves. */
export const routes: [Endpoint, Handler][] = [
  ...notebookFileRoutes, // /api/notebooks/open-file before /api/notebooks/{id}
  [e.health, system.healthHandler],
  [e.openapi, system.openApiHandler],
  [e.metrics, system.metricsHandler],
  [e.signUp, account.signUpHandler],
  [e.getSettings, account.getSettingsHandler],
  [e.patchSettings, account.patchSettingsHandler],
  [e.listInvites, account.listInvitesHandler],
  [e.createInvite, account.createInviteHandler],
  [e.revokeInvite, account.revokeInviteHandler],
  [e.hubVersion, system.hubVersionHandler],
  [e.hubInfo, system.hubInfoHandler],
  [e.currentUser, users.currentUserHandler],
  [e.listUsers, users.listUsersHandler],
  [e.createUsers, users.createUsersHandler],
  [e.getUser, users.getUserHandler],
  [e.createUser, users.createUserHandler],
  [e.patchUser, users.patchUserHandler],
  [e.deleteUser, users.deleteUserHandler],
  [e.userActivity, users.userActivityHandler],
  [e.endSessions, users.endSessionsHandler],
  [e.listTokens, tokens.listTokensHandler],
  [e.createToken, tokens.createTokenHandler],
  [e.getToken, tokens.getTokenHandler],
  [e.deleteToken, tokens.deleteTokenHandler],
  [e.startServer, servers.startServerHandler],
  [e.startNamedServer, servers.startNamedServerHandler],
  [e.stopServer, servers.stopServerHandler],
  [e.stopNamedServer, servers.stopNamedServerHandler],
  [e.serverProgress, servers.serverProgressHandler],
  [e.namedServerProgress, servers.namedServerProgressHandler],
  [e.listImages, servers.listImagesHandler],
  [e.createImage, servers.createImageHandler],
  [e.updateImage, servers.updateImageHandler],
  [e.listServers, servers.listServersHandler],
  [e.capacity, servers.capacityHandler],
  // /import before /{id}: the router takes the first path that matches
  [e.importNotebook, notebooks.importNotebookHandler],
  [e.listNotebooks, notebooks.listNotebooksHandler],
  [e.createNotebook, notebooks.createNotebookHandler],
  [e.getNotebook, notebooks.getNotebookHandler],
  [e.saveNotebook, notebooks.saveNotebookHandler],
  [e.deleteNotebook, notebooks.deleteNotebookHandler],
  [e.undeleteNotebook, notebooks.undeleteNotebookHandler],
  [e.duplicateNotebook, notebooks.duplicateNotebookHandler],
  [e.exportNotebook, notebooks.exportNotebookHandler],
  [e.listRevisions, notebooks.listRevisionsHandler],
  [e.restoreRevision, notebooks.restoreRevisionHandler],
  [e.clearOutputs, notebooks.clearOutputsHandler],
  [e.executeCell, notebooks.executeCellHandler],
  [e.notebookEvents, notebooks.notebookEventsHandler],
  [e.getKernel, notebooks.getKernelHandler],
  [e.interruptKernel, notebooks.interruptKernelHandler],
  [e.restartKernel, notebooks.restartKernelHandler],
  [e.answerInput, notebooks.answerInputHandler],
  [e.executionOutput, notebooks.executionOutputHandler],
  [e.listGroups, groups.listGroupsHandler],
  [e.getGroup, groups.getGroupHandler],
  [e.createGroup, groups.createGroupHandler],
  [e.deleteGroup, groups.deleteGroupHandler],
  [e.addGroupUsers, groups.addGroupUsersHandler],
  [e.removeGroupUsers, groups.removeGroupUsersHandler],
  ...runRoutes,
  ...adminRoutes,
  ...gpuRoutes,
  // /api/endpoints/{name}/... before the endpoint routes' /api/endpoints/{name}
  [se.setEndpointGate, servingExtra.setEndpointGateHandler],
  [se.clearEndpointGate, servingExtra.clearEndpointGateHandler],
  [se.endpointOpenApi, servingExtra.endpointOpenApiHandler],
  [se.setEndpointSampling, servingExtra.setEndpointSamplingHandler],
  [se.commitEndpointSamples, servingExtra.commitEndpointSamplesHandler],
  ...modelRoutes,
  ...pipelineRoutes,
  ...sweepRoutes,
  ...datasetRoutes,
];

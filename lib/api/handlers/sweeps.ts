import { handle, json } from "../../http/handle";
import { cancelSweep, createSweep, getSweep, listSweeps, trialLog } from "../../sweeps/manage";
import { shouldStop } from "../../sweeps/should-stop";
import { sweepEndpoints as e } from "../sweeps-endpoints";

export const createSweepHandler = handle(e.createSweep, async ({ ctx, body }) => json(await createSweep({ ctx, input: body }), 201));
export const listSweepsHandler = handle(e.listSweeps, async ({ ctx }) => json(await listSweeps({ ctx })));
export const getSweepHandler = handle(e.getSweep, async ({ ctx, params }) => json(await getSweep({ ctx, input: params })));
export const cancelSweepHandler = handle(e.cancelSweep, async ({ ctx, params }) => json(await cancelSweep({ ctx, input: params })));
export const trialLogHandler = handle(e.trialLog, async ({ ctx, params, query }) => json(await trialLog({ ctx, input: { ...params, ...query } })));
export const shouldStopHandler = handle(e.shouldStop, async ({ ctx }) => json(await shouldStop({ ctx })));

/**
 * When the cron schedules next need a look, for a process that is its database's only writer
 * (lib/db/sole-writer.ts): the soonest tick it read stays true until this process changes a
 * schedule itself, so the per-second pass skips the query until that tick is due, a schedule
 * changed, or a minute went by (a safety net: a clock step, a row written by hand). Kept on
 * globalThis: route handlers (Next's bundle) and server.ts load this module separately.
 *
 * A generation counts changes, so a pass that read the table before a change landed cannot
 * put off the look that change asked for.
 */
const RECHECK_MS = 60_000;

interface Clock {
  checkAt: number;
  generation: number;
}
const KEY = Symbol.for("kiln.scheduleClock");
type G = typeof globalThis & { [KEY]?: Clock };
const clock = (): Clock => ((globalThis as G)[KEY] ??= { checkAt: 0, generation: 0 });

/** A schedule was added, resumed or paused here: look at the next pass (a removal can only make a look unneeded). */
export function schedulesChanged(): void {
  const c = clock();
  c.generation++;
  c.checkAt = 0;
}

/** Whether the next pass must read the schedules, and the generation to hand back to `scheduleLooked`. */
export function scheduleLookDue(now = Date.now()): { due: boolean; generation: number } {
  const c = clock();
  return { due: now >= c.checkAt, generation: c.generation };
}

/** After a pass that started at `generation` found `soonest` (the soonest tick left, or none). */
export function scheduleLooked(generation: number, soonest: Date | null, now = Date.now()): void {
  const c = clock();
  if (c.generation !== generation) return;
  c.checkAt = Math.min(soonest?.getTime() ?? Infinity, now + RECHECK_MS);
}

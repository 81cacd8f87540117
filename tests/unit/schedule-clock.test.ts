import { expect, test } from "vitest";
import { scheduleLookDue, scheduleLooked, schedulesChanged } from "@/lib/pipelines/runs/schedule-clock";

// The cron pass of a Kiln alone on its database (PGlite) reads the schedules only when a tick
// may have come: these are the rules that decide it, with the clock given explicitly.
const t0 = Date.parse("2026-12-07T12:00:00Z");

test("after a look, the next one waits for the soonest tick; with none, a minute", () => {
  schedulesChanged();
  const first = scheduleLookDue(t0);
  expect(first.due).toBe(true);
  scheduleLooked(first.generation, new Date(t0 + 5_000), t0);
  expect(scheduleLookDue(t0 + 4_999).due).toBe(false);
  expect(scheduleLookDue(t0 + 5_000).due).toBe(true);

  scheduleLooked(scheduleLookDue(t0 + 5_000).generation, null, t0 + 5_000);
  expect(scheduleLookDue(t0 + 64_999).due).toBe(false);
  expect(scheduleLookDue(t0 + 65_000).due).toBe(true); // the safety net: a row written by hand, a clock step

  scheduleLooked(scheduleLookDue(t0).generation, new Date(t0 + 3_600_000), t0);
  expect(scheduleLookDue(t0 + 60_000).due).toBe(true); // a tick an hour away is still looked for every minute
});

test("a schedule added or resumed here is looked at on the next pass, even by a pass that read the table before it landed", () => {
  schedulesChanged();
  scheduleLooked(scheduleLookDue(t0).generation, null, t0);
  expect(scheduleLookDue(t0 + 1_000).due).toBe(false);
  schedulesChanged(); // createSchedule / updateSchedule
  expect(scheduleLookDue(t0 + 1_000).due).toBe(true);

  const pass = scheduleLookDue(t0 + 1_000); // a pass reads the table...
  schedulesChanged(); // ...a new schedule lands meanwhile...
  scheduleLooked(pass.generation, null, t0 + 1_010); // ...and the pass, done, must not put off its look
  expect(scheduleLookDue(t0 + 1_020).due).toBe(true);
});

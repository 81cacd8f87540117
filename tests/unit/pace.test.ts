import { describe, expect, test } from "vitest";
import { pacer, unpaced } from "@/lib/pace";

/** Busy for `ms` on this thread, as a PGlite statement is. */
function work(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * A pass of `steps` steps of `stepMs` each, with `pace` between them, while a timer that
 * stands for other work on the event loop (a request, a kernel message) keeps asking for a
 * turn: how many turns it got while the pass ran.
 */
async function turnsDuringPass(pace: () => Promise<void>, steps: number, stepMs: number) {
  let turns = 0;
  let running = true;
  const other = () => {
    if (!running) return;
    turns++;
    setTimeout(other, 0);
  };
  setTimeout(other, 0);
  for (let i = 0; i < steps; i++) {
    work(stepMs);
    await pace();
  }
  running = false;
  return turns;
}

describe("pacing a background pass", () => {
  test("an unpaced pass holds the event loop to its end; a paced one gives it back after each slice", async () => {
    expect(await turnsDuringPass(unpaced, 10, 1)).toBe(0);
    // 10 steps of 1 ms with a 2 ms slice: a pause after every second step or so, at least four
    expect(await turnsDuringPass(pacer(2, 10), 10, 1)).toBeGreaterThanOrEqual(4);
  });

  test("a pass shorter than its slice never pauses", async () => {
    expect(await turnsDuringPass(pacer(10_000, 10), 5, 1)).toBe(0);
  });
});

import { describe, expect, test } from "vitest";
import { nearest, smooth, stepRange, toRunLine } from "../../app/_components/runs/chart-data";
import { DEFAULT_SETTINGS } from "../../app/_components/runs/chart-settings";

describe("metric chart data", () => {
  test("smoothing is TensorBoard's debiased moving average: it starts at the first value and skips gaps", () => {
    expect(smooth([4, 4, 4], 0.9)).toEqual([4, 4, 4].map((v) => expect.closeTo(v, 10)));
    const s = smooth([0, null, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeNull();
    expect(s[2]).toBeCloseTo((0.5 * 0 * 0.5 + 0.5 * 10) / (1 - 0.25), 10);
    expect(smooth([1, 2], 0)).toEqual([1, 2]);
  });

  test("a series becomes a line on step, relative or wall-clock x; a log scale drops values at or below 0; zoom asks for the steps in view", () => {
    const t0 = Date.UTC(2026, 0, 1);
    const s = { key: "loss", downsampled: false, points: [0, 1, 2, 3].map((step) => ({ step, value: step - 1, ts: new Date(t0 + step * 2000).toISOString() })) };
    expect(toRunLine(1, s, DEFAULT_SETTINGS).xs).toEqual([0, 1, 2, 3]);
    expect(toRunLine(1, s, { ...DEFAULT_SETTINGS, x: "relative" }).xs).toEqual([0, 2, 4, 6]);
    expect(toRunLine(1, s, { ...DEFAULT_SETTINGS, x: "wall" }).xs[0]).toBe(t0 / 1000);
    expect(toRunLine(1, s, { ...DEFAULT_SETTINGS, log: true }).raw).toEqual([null, null, 1, 2]);
    const line = toRunLine(1, s, { ...DEFAULT_SETTINGS, x: "relative" });
    expect(stepRange(line, 1.5, 4.5)).toEqual({ from: 0, to: 3 }); // one point beyond each edge
    expect(nearest(line.xs, 4.9)).toBe(2);
    expect(nearest(line.xs, 5.1)).toBe(3);
  });

  test("a downsampled series is drawn at its buckets' middle steps with their min–max band", () => {
    const buckets = [{ step_from: 0, step_to: 255, min: 1, max: 3, avg: 2, count: 256 }, { step_from: 256, step_to: 511, min: 0, max: 1, avg: 0.5, count: 256 }];
    const line = toRunLine(2, { key: "loss", downsampled: true, points: [], buckets }, DEFAULT_SETTINGS);
    expect(line.xs).toEqual([127, 383]);
    expect([line.raw, line.lo, line.hi]).toEqual([[2, 0.5], [1, 0], [3, 1]]);
  });
});

import { describe, expect, test } from "vitest";
import type { ModelSignature } from "../../lib/db/schema";
import { Batcher } from "../../lib/serving/batcher";
import { namedToFeeds, rowsToFeeds } from "../../lib/serving/requests";
import type { FlatTensor, ModelRunner } from "../../lib/serving/sessions";

/**
 * A served request's rows become tensors, requests that arrive together are joined into one
 * model run, and each gets its own rows of the answer back. The model here is a plain
 * function of its inputs (what onnxruntime computes is not under test: tests/serving runs
 * real graphs), so a row answered with another request's values shows.
 */
const sig: ModelSignature = {
  inputs: [
    { name: "age", type: "float32", shape: [null, 1] },
    { name: "income", type: "float64", shape: [null, 1] },
    { name: "city", type: "string", shape: [null, 1] },
  ],
  outputs: [
    { name: "score", type: "float64", shape: [null, 1] },
    { name: "city_length", type: "int64", shape: [null] },
  ],
  columns: [{ name: "age", type: "number" }, { name: "income", type: "number" }, { name: "city", type: "string" }],
  task: "regression",
  classes: null,
};

/** score = age + income (NaN stays NaN), city_length = the city's length; records every run's inputs. */
function model() {
  const runs: Record<string, FlatTensor>[] = [];
  const runner: ModelRunner = {
    run: async (feeds) => {
      runs.push(feeds);
      const n = feeds.age!.dims[0]!;
      const age = feeds.age!.data as Float32Array;
      const income = feeds.income!.data as Float64Array;
      const city = feeds.city!.data as string[];
      const score = new Float64Array(n);
      const len = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        score[i] = age[i]! + income[i]!;
        len[i] = BigInt(city[i]!.length);
      }
      return { score: { type: "float64", data: score, dims: [n, 1] }, city_length: { type: "int64", data: len, dims: [n] } };
    },
  };
  return { runner, runs };
}

describe("rows to tensors", () => {
  test("numbers go into the input's own typed array, a missing or null value is NaN, a missing string is empty", () => {
    const feeds = rowsToFeeds(sig, [{ age: 41.5, income: 52000.25, city: "lyon" }, { age: null, city: null }, {}]);
    expect(feeds.rows).toBe(3);
    expect(feeds.inputs.age!.data).toBeInstanceOf(Float32Array);
    expect([...(feeds.inputs.age!.data as Float32Array)]).toEqual([41.5, NaN, NaN]);
    expect(feeds.inputs.income!.data).toBeInstanceOf(Float64Array);
    expect([...(feeds.inputs.income!.data as Float64Array)]).toEqual([52000.25, NaN, NaN]);
    expect(feeds.inputs.city!.data).toEqual(["lyon", "", ""]);
    expect(feeds.inputs.city!.dims).toEqual([3, 1]);
  });

  test("a wrong value names its row and column; an unknown column and a row that is not an object are named too", () => {
    expect(() => rowsToFeeds(sig, [{ age: 1 }, { age: "old" }])).toThrow('rows[1].age: expected a number (float32), got "old"');
    expect(() => rowsToFeeds(sig, [{ age: 1 }, { city: 7 }])).toThrow("rows[1].city: expected a string (string), got 7");
    expect(() => rowsToFeeds(sig, [{ age: 1, zip: "69001" }])).toThrow("rows[0].zip: no such column; expected age (number), income (number), city (string)");
    expect(() => rowsToFeeds(sig, [{ age: 1 }, [1, 2, "x"]])).toThrow("rows[1]: an object of columns");
    expect(() => rowsToFeeds(sig, JSON.parse('[{"__proto__": {"age": 1}}]'))).toThrow("rows[0].__proto__: no such column");
  });
});

describe("dynamic batching", () => {
  test("requests read in the same turn run as one batch, rows and named inputs alike, and each gets its own rows back", async () => {
    const { runner, runs } = model();
    const batcher = new Batcher(runner, sig, 32, 0);
    const requests = [
      rowsToFeeds(sig, [{ age: 1, income: 10, city: "a" }]),
      rowsToFeeds(sig, [{ age: 2, income: 20, city: "bb" }, { age: 3, city: "ccc" }]),
      namedToFeeds(sig, { age: [[4]], income: [[40]], city: [["dddd"]] }),
    ];
    const answers = await Promise.all(requests.map((f) => batcher.run(f)));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.age!.dims).toEqual([4, 1]);
    expect([...(runs[0]!.age!.data as Float32Array)]).toEqual([1, 2, 3, 4]);
    expect(runs[0]!.city!.data).toEqual(["a", "bb", "ccc", "dddd"]);
    expect(answers.map((a) => a.batch)).toEqual([3, 0, 0]); // the batch is counted once, by its first request
    expect(answers.map((a) => [...(a.outputs.score!.data as Float64Array)])).toEqual([[11], [22, NaN], [44]]);
    expect(answers.map((a) => a.outputs.score!.dims)).toEqual([[1, 1], [2, 1], [1, 1]]);
    expect(answers.map((a) => [...(a.outputs.city_length!.data as BigInt64Array)])).toEqual([[1n], [2n, 3n], [4n]]);
  });

  test("a batch never holds more than max_batch rows; the rest run next", async () => {
    const { runner, runs } = model();
    const batcher = new Batcher(runner, sig, 3, 0);
    const rows = (k: number) => rowsToFeeds(sig, Array.from({ length: k }, (_, i) => ({ age: i, income: 0, city: "x" })));
    const answers = await Promise.all([rows(2), rows(2), rows(1)].map((f) => batcher.run(f)));
    expect(runs.map((r) => r.age!.dims[0])).toEqual([3, 2]);
    expect(answers.map((a) => a.outputs.score!.dims[0])).toEqual([2, 2, 1]);
  });
});

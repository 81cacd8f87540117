/**
 * TPE's suggestion time on a long sweep (lib/sweeps/strategies): 1,000 finished trials over
 * four parameters (loguniform, uniform, int, choice), `suggest` timed 50 times, median and
 * p95 (target: under 50 ms). The baseline in the same run is random search's `suggest` on
 * the same history, which reads the history only for the next trial's number: the gap is the
 * cost of TPE's model. Prints JSON; writes bench/results/tpe.json.
 * usage: node --import tsx bench/tpe.ts [--trials 1000] [--calls 50]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeStrategy, rng, type SearchSpace, type Strategy, type Trial } from "../lib/sweeps/strategies";

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
const TRIALS = arg("trials", 1000);
const CALLS = arg("calls", 50);
const TARGET_MS = 50;

const space: SearchSpace = {
  lr: { type: "loguniform", low: 1e-5, high: 1 },
  dropout: { type: "uniform", low: 0, high: 0.5 },
  depth: { type: "int", low: 1, high: 12 },
  optimizer: { type: "choice", values: ["adam", "sgd", "rmsprop", "adamw"] },
};

/** A history as a random sweep would leave it, with a smooth toy loss and a little noise. */
function history(): Trial[] {
  const random = makeStrategy({ kind: "random", space, seed: 1 });
  const trials: Trial[] = [];
  for (let n = 0; n < TRIALS; n++) {
    const p = random.suggest(trials)! as { lr: number; dropout: number; depth: number; optimizer: string };
    const loss = (Math.log10(p.lr) + 2.5) ** 2 + (p.dropout - 0.2) ** 2 + 0.1 * (p.depth - 6) ** 2 + (p.optimizer === "adamw" ? 0 : 0.3) + 0.05 * rng(1, 99, n)();
    trials.push({ number: n, params: p, status: "succeeded", objective: loss });
  }
  return trials;
}

function time(strategy: Strategy, trials: Trial[]): { median: number; p95: number } {
  for (let i = 0; i < 5; i++) strategy.suggest(trials); // warm the JIT
  const ms: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    strategy.suggest(trials);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => +ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!.toFixed(3);
  return { median: at(0.5), p95: at(0.95) };
}

const trials = history();
const tpe_ms = time(makeStrategy({ kind: "tpe", space, seed: 2 }), trials);
const random_ms = time(makeStrategy({ kind: "random", space, seed: 2 }), trials);
const result = {
  benchmark: `TPE suggest with ${TRIALS} finished trials over 4 parameters vs random search's suggest on the same history, ${CALLS} calls each, same run`,
  tpe_ms, random_ms, trials: TRIALS, calls: CALLS,
  cores: os.cpus().length, load_average: os.loadavg()[0],
  target_ms: TARGET_MS,
  meets_target: tpe_ms.p95 < TARGET_MS,
};
fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
fs.writeFileSync(path.join(import.meta.dirname, "results", "tpe.json"), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));

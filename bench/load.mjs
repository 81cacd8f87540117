// Open-loop load generator, run as its own process: sends GET requests at a fixed rate
// (not waiting for answers, so a slow server cannot slow the clock down) and prints the
// latency distribution as JSON. Latency is measured from each request's scheduled time.
// usage: node bench/load.mjs URL RATE SECONDS [AUTH_HEADER]
import http from "node:http";

const [url, rate = "200", seconds = "10", auth] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const interval = 1000 / Number(rate);
const total = Math.round(Number(rate) * Number(seconds));
const latencies = [];
let errors = 0;
let done = 0;
const t0 = performance.now();

function fire(scheduled) {
  const req = http.get(url, { agent, headers: auth ? { authorization: auth } : {} }, (res) => {
    res.resume();
    res.on("end", () => {
      if (res.statusCode !== 200) errors++;
      latencies.push(performance.now() - scheduled);
      finish();
    });
  });
  req.on("error", () => {
    errors++;
    finish();
  });
}

function finish() {
  if (++done < total) return;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const elapsed = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({
    requests: total, errors, rate_achieved: +(total / elapsed).toFixed(1),
    p50_ms: +q(0.5).toFixed(2), p95_ms: +q(0.95).toFixed(2), p99_ms: +q(0.99).toFixed(2), max_ms: +latencies.at(-1).toFixed(2),
  }) + "\n");
  agent.destroy();
}

let sent = 0;
function tick() {
  const now = performance.now();
  while (sent < total && t0 + sent * interval <= now) fire(t0 + sent++ * interval);
  if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
}
tick();

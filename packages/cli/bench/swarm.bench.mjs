// Swarm throughput (issue #6): seeds per second of 5-simulated-second random scenarios, each with
// every invariant checker on, on this machine's cores. Prints numbers; not a test.
import { availableParallelism } from "node:os";
import { runSwarm } from "@understudy/cli";

const SEEDS = 120;
const workers = Math.min(2, availableParallelism());

const summary = await runSwarm({ seeds: SEEDS, first: 1, workers, shrink: false });
const events = summary.results.reduce((n, r) => n + r.events, 0);
const cpuSeconds = summary.results.reduce((n, r) => n + r.wallMs, 0) / 1000;

console.log(`swarm: ${summary.ran} seeds of 5 simulated seconds on ${workers} worker threads`);
console.log(`  ${summary.seedsPerSecond.toFixed(1)} seeds/s (wall ${summary.wallSeconds.toFixed(1)} s)`);
console.log(
  `  ${((cpuSeconds / summary.ran) * 1000).toFixed(0)} ms per seed in a worker, ${(events / cpuSeconds / 1e6).toFixed(2)} M events/s per worker`,
);
console.log(`  ${summary.passed} passed, ${summary.failed.length} failed`);
if (summary.failed.length > 0) process.exitCode = 1;

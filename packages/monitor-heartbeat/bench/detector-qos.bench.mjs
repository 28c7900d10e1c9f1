// Failure detector quality of service (issue #5), in the terms of Chen, Toueg and Aguilera
// (2002): detection time T_D after a real crash, mistake recurrence time T_MR, mistake duration
// T_M and query accuracy probability P_A. Prints one table; not a test.
//
// Every detector watches a hypervisor that emits a sign of life every 100 ms (a heartbeat, or an
// increment of BMC counter 501). Each sign of life is delayed by a latency plus a normal jitter of
// standard deviation sigma (latency 1 ms + 3 sigma, so the bell is whole) and may be lost: for
// heartbeats that is the channel, for the counter a late or skipped duty of a slow hypervisor.
// Mistakes come from a failure-free run of HOURS simulated hours; T_D from CRASHES crashes, each at
// a random phase after a 20 s warm-up. Suspicion is what the monitoring unit sees at its polls.
import { Bmc, formatDuration, MS, SEC } from "@understudy/core";
import { BmcCounterDetector } from "@understudy/monitor-bmc";
import { FixedTimeoutDetector, measureQos, PhiAccrualDetector } from "@understudy/monitor-heartbeat";

const HOURS = Number(process.env.QOS_HOURS ?? 6);
const CRASHES = Number(process.env.QOS_CRASHES ?? 200);
const PERIOD_NS = 100 * MS;

const heartbeat = (detector) => ({ detector, deliver: (nowNs) => detector.heartbeat(nowNs) });
const phi = (threshold, minStdDeviationNs) => () =>
  heartbeat(
    new PhiAccrualDetector({
      threshold,
      maxSampleSize: 200,
      minStdDeviationNs,
      acceptableHeartbeatPauseNs: 0,
      firstHeartbeatEstimateNs: PERIOD_NS,
    }),
  );

const detectors = [
  {
    name: "bmc-counter",
    params: "stall 500 ms",
    pollNs: 100 * MS,
    make: () => {
      const bmc = new Bmc();
      return { detector: new BmcCounterDetector(bmc, 500 * MS), deliver: () => bmc.stateArea.increment() };
    },
  },
  ...[2, 3, 5].map((k) => ({
    name: "fixed-timeout",
    params: `k = ${k} (${k * 100} ms)`,
    pollNs: 10 * MS,
    make: () => heartbeat(new FixedTimeoutDetector(PERIOD_NS, k)),
  })),
  ...[1, 3, 8, 12].map((threshold) => ({
    name: "phi-accrual",
    params: `phi ${threshold}, min std 100 ms`,
    pollNs: 10 * MS,
    make: phi(threshold, 100 * MS),
  })),
  ...[3, 8].map((threshold) => ({
    name: "phi-accrual",
    params: `phi ${threshold}, min std 10 ms`,
    pollNs: 10 * MS,
    make: phi(threshold, 10 * MS),
  })),
];

const paths = [0, 5, 20, 50].map((sigmaMs) => ({ sigmaMs, loss: 0 }));
paths.push({ sigmaMs: 20, loss: 0.01 });

const channelOf = ({ sigmaMs, loss }) => ({
  latencyNs: (1 + 3 * sigmaMs) * MS,
  jitter: sigmaMs === 0 ? { kind: "none" } : { kind: "normal", stdDevNs: sigmaMs * MS },
  lossProbability: loss,
});

const ms = (ns) => (ns === undefined ? "-" : `${Math.round(ns / MS)} ms`);
const recurrence = (qos) =>
  qos.mistakeRecurrenceNs === undefined ? `> ${HOURS} h` : formatDuration(Math.round(qos.mistakeRecurrenceNs));
const accuracy = (p) => (p === 1 ? "1" : p.toFixed(6));

const header = [
  "jitter σ",
  "loss",
  "detector",
  "parameters",
  "poll",
  "T_D mean",
  "T_D max",
  "mistakes/h",
  "T_MR",
  "T_M",
  "P_A",
];
const rows = [];
const started = process.hrtime.bigint();
for (const path of paths) {
  for (const d of detectors) {
    const qos = measureQos(d.make, {
      periodNs: PERIOD_NS,
      pollNs: d.pollNs,
      channel: channelOf(path),
      durationNs: HOURS * 3600 * SEC,
      crashes: CRASHES,
      warmupNs: 20 * SEC,
    });
    rows.push([
      `${path.sigmaMs} ms`,
      `${path.loss * 100}%`,
      d.name,
      d.params,
      ms(d.pollNs),
      ms(qos.detectionMeanNs),
      qos.undetected > 0 ? `${qos.undetected} missed` : ms(qos.detectionMaxNs),
      (qos.mistakes / HOURS).toFixed(qos.mistakes % HOURS === 0 ? 0 : 1),
      recurrence(qos),
      ms(qos.mistakeDurationNs),
      accuracy(qos.queryAccuracy),
    ]);
  }
  rows.push(undefined); // a rule between jitter levels
}
rows.pop();
const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;

const widths = header.map((h, i) => Math.max(h.length, ...rows.filter(Boolean).map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i >= 5 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
const rule = widths.map((w) => "-".repeat(w)).join("  ");
console.log(
  `Detector QoS: sign of life every 100 ms, latency 1 ms + 3σ, ${HOURS} h failure-free per row, ${CRASHES} crashes for T_D`,
);
console.log(line(header));
console.log(rule);
for (const row of rows) console.log(row ? line(row) : rule);
console.log(
  "T_D: crash to lasting suspicion. T_MR: mean time between false suspicions; T_M: their mean length;" +
    " P_A: chance a query of the live hypervisor answers alive.",
);
console.log(`(${rows.filter(Boolean).length} rows in ${wallSeconds.toFixed(1)} s of wall time)`);

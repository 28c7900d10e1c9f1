import type { Nanos, Rng } from "@understudy/core";
import type { Jitter } from "./options.js";

/** One heartbeat's delay: the latency plus a draw of the jitter, whole nanoseconds, never negative. */
export function sampleDelayNs(latencyNs: Nanos, jitter: Jitter, rng: Rng): Nanos {
  let extra: number;
  switch (jitter.kind) {
    case "none":
      extra = 0;
      break;
    case "uniform":
      extra = rng.float() * jitter.maxNs;
      break;
    case "normal":
      extra = rng.normal(0, jitter.stdDevNs);
      break;
    case "exponential":
      extra = rng.exponential(jitter.meanNs);
      break;
  }
  return Math.max(0, Math.round(latencyNs + extra));
}

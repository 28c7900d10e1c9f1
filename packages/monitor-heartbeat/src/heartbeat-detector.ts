import type { FailureDetector, Nanos } from "@understudy/core";

/** A detector fed by heartbeats: told of every arrival, asked by the monitoring unit's polls. */
export interface HeartbeatDetector extends FailureDetector {
  /** A heartbeat arrived at `nowNs`. */
  heartbeat(nowNs: Nanos): void;
  readonly toleranceNs: Nanos;
}

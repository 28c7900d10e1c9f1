import type { Nanos, Verdict } from "@understudy/core";
import type { HeartbeatDetector } from "./heartbeat-detector.js";

/** Suspects the hypervisor once `missedPeriods` heartbeat periods went by without a heartbeat. */
export class FixedTimeoutDetector implements HeartbeatDetector {
  readonly name = "fixed-timeout";
  readonly toleranceNs: Nanos;
  private lastArrivalNs = 0;

  constructor(
    readonly periodNs: Nanos,
    readonly missedPeriods: number,
  ) {
    this.toleranceNs = periodNs * missedPeriods;
  }

  heartbeat(nowNs: Nanos): void {
    this.lastArrivalNs = nowNs;
  }

  check(nowNs: Nanos): Verdict {
    const silentNs = nowNs - this.lastArrivalNs;
    if (silentNs < this.toleranceNs) return { failed: false };
    return { failed: true, reason: `no heartbeat for ${silentNs} ns (${this.missedPeriods} periods)` };
  }

  /** The watch starts as if a heartbeat had just arrived: a hypervisor that never sends one is failed. */
  reset(nowNs: Nanos): void {
    this.lastArrivalNs = nowNs;
  }
}

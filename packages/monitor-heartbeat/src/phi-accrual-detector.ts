import type { Nanos, Verdict } from "@understudy/core";
import type { HeartbeatDetector } from "./heartbeat-detector.js";
import { HeartbeatHistory } from "./heartbeat-history.js";
import { phi, phiCrossingY } from "./phi.js";

export interface PhiAccrualOptions {
  readonly threshold: number;
  readonly maxSampleSize: number;
  readonly minStdDeviationNs: Nanos;
  readonly acceptableHeartbeatPauseNs: Nanos;
  readonly firstHeartbeatEstimateNs: Nanos;
}

/**
 * The phi accrual failure detector as Akka implements it: a window of inter-arrival times, phi
 * from their normal distribution (mean plus the acceptable pause, standard deviation no less than
 * the minimum), suspicion at the threshold. An interval that ends in suspicion is kept out of the
 * history, so that a long pause does not teach the detector to tolerate long pauses.
 *
 * One departure: Akka calls a connection that never sent a heartbeat healthy; a hypervisor that
 * never sends its first heartbeat after boot is failed. So the watch starts as if a heartbeat had
 * just arrived, and the first real one only sets the time (as Akka's first heartbeat does).
 */
export class PhiAccrualDetector implements HeartbeatDetector {
  readonly name = "phi-accrual";
  private readonly crossingY: number;
  private history!: HeartbeatHistory;
  private lastArrivalNs = 0;
  private heardSinceReset = false;

  constructor(readonly options: PhiAccrualOptions) {
    this.crossingY = phiCrossingY(options.threshold);
    this.reset(0);
  }

  /** Suspicion level after `silentNs` without a heartbeat, with the history as it stands. */
  phiAfter(silentNs: Nanos): number {
    return phi(silentNs, this.meanNs, this.stdDevNs);
  }

  phi(nowNs: Nanos): number {
    return this.phiAfter(nowNs - this.lastArrivalNs);
  }

  /** The silence at which phi reaches the threshold, with the history as it stands. */
  get toleranceNs(): Nanos {
    return Math.floor(this.meanNs + this.crossingY * this.stdDevNs);
  }

  get meanNs(): number {
    return this.history.meanNs + this.options.acceptableHeartbeatPauseNs;
  }

  get stdDevNs(): number {
    return Math.max(this.history.stdDevNs, this.options.minStdDeviationNs);
  }

  heartbeat(nowNs: Nanos): void {
    if (this.heardSinceReset && this.phi(nowNs) < this.options.threshold) {
      this.history.add(nowNs - this.lastArrivalNs);
    }
    this.heardSinceReset = true;
    this.lastArrivalNs = nowNs;
  }

  check(nowNs: Nanos): Verdict {
    const level = this.phi(nowNs);
    if (level < this.options.threshold) return { failed: false };
    return {
      failed: true,
      reason: `phi ${level.toFixed(2)} >= ${this.options.threshold} after ${nowNs - this.lastArrivalNs} ns without a heartbeat`,
    };
  }

  /** A new hypervisor: Akka's bootstrap history (estimate -/+ a quarter), watched from now. */
  reset(nowNs: Nanos): void {
    const estimate = this.options.firstHeartbeatEstimateNs;
    this.history = new HeartbeatHistory(this.options.maxSampleSize);
    this.history.add(estimate - estimate / 4);
    this.history.add(estimate + estimate / 4);
    this.lastArrivalNs = nowNs;
    this.heardSinceReset = false;
  }
}

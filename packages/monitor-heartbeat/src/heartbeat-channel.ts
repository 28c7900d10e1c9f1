import type { Nanos, Rng, Scheduler } from "@understudy/core";
import { sampleDelayNs } from "./jitter.js";
import type { ChannelOptions } from "./options.js";

/**
 * The path of the heartbeats from the hypervisor to the critical guest: latency, seeded jitter,
 * independent loss and loss bursts, and outages injected by a fault.
 *
 * FIFO, like the shared-memory ring or the connection a heartbeat would really use: a heartbeat
 * never overtakes an earlier one, so jitter shows as bunching, never as reordering, and the
 * receiver's inter-arrival times are never negative.
 */
export class HeartbeatChannel {
  private lastArrivalNs = 0;
  private burstEndNs = -1;
  private outageEndNs = -1;
  sent = 0;
  lost = 0;
  delivered = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: ChannelOptions,
    private readonly rng: Rng,
  ) {}

  /** Heartbeats sent, not lost, and not arrived yet. */
  get inFlight(): number {
    return this.sent - this.lost - this.delivered;
  }

  /** Send one heartbeat; `deliver` runs at its arrival unless it is lost. */
  send(deliver: () => void): void {
    const now = this.scheduler.now;
    this.sent++;
    if (this.isLost(now)) {
      this.lost++;
      return;
    }
    const arrivalNs = Math.max(
      now + sampleDelayNs(this.options.latencyNs, this.options.jitter, this.rng),
      this.lastArrivalNs,
    );
    this.lastArrivalNs = arrivalNs;
    this.scheduler.at(arrivalNs, () => {
      this.delivered++;
      deliver();
    });
  }

  /** Fault injection: every heartbeat sent in the next `forNs` is lost. */
  cut(forNs: Nanos): void {
    this.outageEndNs = Math.max(this.outageEndNs, this.scheduler.now + forNs);
  }

  private isLost(now: Nanos): boolean {
    const { lossProbability, lossBurst } = this.options;
    if (now < this.outageEndNs || now < this.burstEndNs) return true;
    if (lossBurst.probability > 0 && this.rng.bool(lossBurst.probability)) {
      this.burstEndNs = now + this.rng.exponential(lossBurst.meanLengthNs);
      return true;
    }
    return lossProbability > 0 && this.rng.bool(lossProbability);
  }
}

/**
 * A failure detector written by a user, plugged in through core's `FailureDetector` interface.
 *
 * "Max gap": the hypervisor is suspected once it has been silent for `factor` times the longest
 * gap between the last `window` heartbeats (never less than `floorNs`). It learns the channel's
 * worst case, where phi accrual learns its distribution. The heartbeats themselves come from
 * @understudy/monitor-heartbeat's `startHeartbeats` (the hypervisor's duty and the channel), so
 * the example is only the detector and a monitor kind that names it.
 *
 *   monitor: { kind: "max-gap", factor: 2, channel: { jitter: { kind: "normal", stdDevNs: "20ms" } } }
 */
import {
  type FailureDetector,
  type MonitorKind,
  type Nanos,
  positiveDuration,
  type UnderstudyPlugin,
  type Verdict,
  z,
} from "@understudy/core";
import { channelSchema, startHeartbeats } from "@understudy/monitor-heartbeat";

export class MaxGapDetector implements FailureDetector {
  readonly name = "max-gap";
  private gaps: Nanos[] = [];
  private lastArrivalNs = 0;

  constructor(
    readonly window: number,
    readonly factor: number,
    readonly floorNs: Nanos,
  ) {}

  /** Stated so that the no-false-failover checker can tell this detector's mistakes from bugs. */
  get toleranceNs(): Nanos {
    return Math.max(this.floorNs, this.factor * Math.max(0, ...this.gaps));
  }

  heartbeat(nowNs: Nanos): void {
    this.gaps.push(nowNs - this.lastArrivalNs);
    if (this.gaps.length > this.window) this.gaps.shift();
    this.lastArrivalNs = nowNs;
  }

  check(nowNs: Nanos): Verdict {
    const silentNs = nowNs - this.lastArrivalNs;
    if (silentNs < this.toleranceNs) return { failed: false };
    return { failed: true, reason: `silent ${silentNs} ns, over ${this.factor} x the longest recent gap` };
  }

  reset(nowNs: Nanos): void {
    this.gaps = [];
    this.lastArrivalNs = nowNs;
  }
}

const maxGapSchema = z.strictObject({
  periodNs: positiveDuration().prefault("100ms"),
  pollNs: positiveDuration().prefault("10ms"),
  channel: channelSchema,
  window: z.int().min(1).default(50),
  factor: z.number().min(1).default(2),
  /** Also the tolerance before the first gaps are known. */
  floorNs: positiveDuration().prefault("300ms"),
});

const maxGapKind: MonitorKind<z.output<typeof maxGapSchema>> = {
  kind: "max-gap",
  schema: maxGapSchema,
  create(ctx, o) {
    const detector = new MaxGapDetector(o.window, o.factor, o.floorNs);
    startHeartbeats(ctx, o, (nowNs) => detector.heartbeat(nowNs));
    return { detector, pollNs: o.pollNs };
  },
};

export function maxGapMonitor(): UnderstudyPlugin {
  return { name: "example.max-gap-monitor", apply: (system) => system.registerMonitor(maxGapKind) };
}

import type { DetectionEvent, SystemHooks } from "../hooks.js";
import type { GuestOs } from "../platform/guest-os.js";
import type { PeriodicTask, Scheduler } from "../sim/scheduler.js";
import type { FailureDetector } from "./detector.js";

export type MonitorState = "watching" | "failing-over" | "failed-over";

/**
 * Monitoring unit 124, in the critical guest (Fig 17). Every poll it asks its detector whether the
 * hypervisor failed (1601-1602); on a failure it hands over to the failover unit, which sends the
 * forced stops (1603) and runs the takeover (1604). After failback it watches the new hypervisor.
 */
export class MonitoringUnit {
  private stateNow: MonitorState = "watching";
  private task: PeriodicTask | undefined;
  detections = 0;

  constructor(
    private readonly guest: GuestOs,
    private readonly scheduler: Scheduler,
    private readonly hooks: SystemHooks,
    readonly detector: FailureDetector,
    readonly pollNs: number,
    private readonly onFailure: (event: DetectionEvent) => void,
  ) {}

  get state(): MonitorState {
    return this.stateNow;
  }

  start(): void {
    this.detector.reset(this.scheduler.now);
    this.task = this.scheduler.every(this.pollNs, () => this.poll());
  }

  private poll(): void {
    if (this.stateNow !== "watching") return;
    this.guest.execute(() => {
      const verdict = this.detector.check(this.scheduler.now);
      if (!verdict.failed) return; // 1602 -> 1601
      const event: DetectionEvent = { detector: this.detector.name, reason: verdict.reason };
      this.detections++;
      this.hooks.failureDetected.call(event);
      if (this.hooks.shouldFailover.call(event) === false) return;
      this.stateNow = "failing-over";
      this.onFailure(event); // 1603-1604
    });
  }

  /** The failover unit finished the takeover. */
  failedOver(): void {
    this.stateNow = "failed-over";
  }

  /** The hypervisor is back and owns the PF again: watch it afresh. */
  resume(): void {
    this.detector.reset(this.scheduler.now);
    this.stateNow = "watching";
  }

  stop(): void {
    this.task?.cancel();
  }
}

import type { Timing } from "../config/timing.js";
import type { SubPfDriver } from "../drivers/sub-pf-driver.js";
import type { VfDriver } from "../drivers/vf-driver.js";
import type { DetectionEvent, DrainEvent, SystemHooks } from "../hooks.js";
import type { RingView } from "../memory/layouts/ring.js";
import type { Hypervisor } from "../platform/hypervisor.js";
import type { Topology } from "../platform/topology.js";
import { type Process, pollUntil, spawn } from "../sim/process.js";
import type { Scheduler } from "../sim/scheduler.js";
import type { FailoverStrategy, StrategyContext } from "./strategy.js";

/**
 * Failover unit 125, in the critical guest: Fig 18 (embodiment 1) and Fig 21 (embodiment 2), the
 * difference being the strategy's `prepareTakeover`. Each step is announced on a hook; the
 * failover recorder turns them into the report's timeline.
 */
export class FailoverUnit {
  running = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly hooks: SystemHooks,
    private readonly timing: Timing,
    private readonly topology: Topology,
    private readonly hypervisor: Hypervisor,
    private readonly subPf: SubPfDriver,
    readonly strategy: FailoverStrategy,
    private readonly strategyContext: StrategyContext,
    private readonly onTakenOver: () => void,
  ) {}

  /** Step 1604. */
  start(detection: DetectionEvent): void {
    this.running = true;
    spawn(this.scheduler, this.failover(detection), () => {
      this.running = false;
      this.onTakenOver();
    });
  }

  private *failover(detection: DetectionEvent): Process<void> {
    const others = this.topology.others.filter((g) => g.state !== "resetting" && g.state !== "booting");
    const otherDrivers = others.flatMap((g) => g.drivers.filter((d) => d.attached));

    // 1603: forced stop through each guest's emergency link
    for (const guest of others) {
      this.topology.emergencyLinks.get(guest.name)?.requestStop();
      this.hooks.forcedStopSent.call({ guest: guest.name });
    }

    // Before 1701, with reception still on: each other guest's TX ring empties and its device
    // delivers what it owes for work already taken (a storage command's completion). Turning RX
    // off first, as Fig 18 orders it, would discard those completions: the command is executed
    // by the target but its guest never hears of it. A NIC owes nothing, and this ends at once
    // when the rings are idle. The bound covers this wait and 1702 together.
    const deadlineNs = this.scheduler.now + this.timing.drainBoundNs;
    const settled = (d: VfDriver) =>
      d.queue.tx.readIndex === d.queue.tx.writeIndex && d.vf.pf.device.owedCompletions(d.vf) === 0;
    yield* pollUntil(
      this.scheduler,
      () => otherDrivers.every(settled),
      this.timing.drainPollNs,
      this.timing.drainBoundNs,
    );

    // 1701: no more reception into the other guests' memory
    for (const driver of otherDrivers) driver.queue.rx.enabled = false;
    this.hooks.drainStarted.call();

    // 1702: wait until read == write on every ring of the other guests, within the bound
    const rings = (d: VfDriver): RingView[] => [d.queue.tx, d.queue.rx];
    const drained = (d: VfDriver) => rings(d).every((r) => r.readIndex === r.writeIndex);
    yield* pollUntil(
      this.scheduler,
      () => otherDrivers.every(drained),
      this.timing.drainPollNs,
      Math.max(0, deadlineNs - this.scheduler.now),
    );

    // the bound was reached: the stuck guests' VFs are reset instead (FLR), their leftovers counted
    const stuck = otherDrivers.filter((d) => !drained(d));
    const drain: DrainEvent = {
      outcome: stuck.length === 0 ? "complete" : "timed-out",
      stuckGuests: [...new Set(stuck.map((d) => d.guest.name))],
      abandonedRxEntries: stuck.reduce((n, d) => n + d.queue.rx.pending, 0),
      abandonedTxEntries: stuck.reduce((n, d) => n + d.queue.tx.pending, 0),
    };
    for (const driver of stuck) driver.detach();

    // 1703: transmission off
    for (const driver of otherDrivers) {
      driver.queue.tx.enabled = false;
      driver.vf.pf.device.transceiver.notify(driver.vf);
    }
    this.hooks.drainCompleted.call(drain);

    // takeover: fence the PF driver first, so that a hypervisor that was only slow cannot act again
    this.subPf.claimAll();
    yield* this.strategy.prepareTakeover(this.strategyContext); // 1704-1706 or 2001
    const pendingInterrupts = this.subPf.activate();
    this.hooks.subPfActivated.call({
      strategy: this.strategy.name,
      pfs: this.subPf.emulators.map((e) => e.pf.id),
      pendingInterrupts,
    });

    // 1707: soft reset of the hypervisor and the other guests
    const reason = `failover after ${detection.detector}: ${detection.reason}`;
    this.hypervisor.softReset(reason);
    for (const guest of others) guest.softReset(reason);
  }
}

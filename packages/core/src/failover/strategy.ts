import type { Timing } from "../config/timing.js";
import type { SubPfDriver } from "../drivers/sub-pf-driver.js";
import type { SystemHooks } from "../hooks.js";
import type { GuestOs } from "../platform/guest-os.js";
import type { Mailbox } from "../platform/mailbox.js";
import type { Topology } from "../platform/topology.js";
import type { Process } from "../sim/process.js";
import type { Scheduler } from "../sim/scheduler.js";

export interface StrategyContext {
  readonly scheduler: Scheduler;
  readonly hooks: SystemHooks;
  readonly timing: Timing;
  readonly topology: Topology;
  readonly subPf: SubPfDriver;
  readonly critical: GuestOs;
  /** The hypervisor-to-critical-guest channel (embodiment 2 notifies 130's updates over it). */
  readonly syncChannel: Mailbox;
}

/**
 * How 130A is made ready for the takeover. Built in: `rebuild-on-failover` (embodiment 1, Fig 18
 * steps 1704-1706) and `continuous-sync` (embodiment 2, Fig 19-21).
 */
export interface FailoverStrategy {
  readonly name: string;
  /** Normal operation: wire whatever the strategy needs (embodiment 2 mirrors 130 into 130A). */
  install(ctx: StrategyContext): void;
  /** Runs after the drain (1703) with the PFs already claimed (the old PF driver fenced). */
  prepareTakeover(ctx: StrategyContext): Process<void>;
}

import type { Nanos } from "../sim/time.js";

export type Verdict = { readonly failed: false } | { readonly failed: true; readonly reason: string };

/**
 * Decides, at each poll of the monitoring unit (Fig 17 steps 1601-1602), whether the hypervisor
 * has failed. Implementations: the BMC counter (monitor-bmc), fixed timeout and phi accrual over
 * heartbeats (monitor-heartbeat), or your own.
 */
export interface FailureDetector {
  readonly name: string;
  check(nowNs: Nanos): Verdict;
  /**
   * How long, as of now, the hypervisor may go unheard before this detector suspects it (for an
   * adaptive detector it follows the history). A detector whose monitor reports
   * `hooks.hypervisorHeard` states it, and no-false-failover then counts a suspicion after a
   * longer silence as a mistake of the path, not a violation.
   */
  readonly toleranceNs?: Nanos;
  /** Forget the history: the hypervisor restarted and a new one is being watched. */
  reset(nowNs: Nanos): void;
}

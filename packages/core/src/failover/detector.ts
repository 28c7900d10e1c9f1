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
  /** Forget the history: the hypervisor restarted and a new one is being watched. */
  reset(nowNs: Nanos): void;
}

import type { Bmc, FailureDetector, Nanos, Verdict } from "@understudy/core";

/**
 * Fig 17 steps 1601-1602: the hypervisor failed when counter 501 has not moved for the stall
 * threshold. A failed read of the BMC tells nothing about the hypervisor: it is counted and
 * skipped, and a failure is only declared on a read that shows the counter still.
 */
export class BmcCounterDetector implements FailureDetector {
  readonly name = "bmc-counter";
  private lastValue: number | undefined;
  private lastChangeNs = 0;
  readErrors = 0;

  constructor(
    private readonly bmc: Bmc,
    readonly stallThresholdNs: Nanos,
  ) {}

  check(nowNs: Nanos): Verdict {
    const value = this.bmc.readCounter(); // 1601
    if (value === undefined) {
      this.readErrors++;
      return { failed: false };
    }
    if (value !== this.lastValue) {
      this.lastValue = value;
      this.lastChangeNs = nowNs;
      return { failed: false };
    }
    const stalledNs = nowNs - this.lastChangeNs; // 1602
    if (stalledNs < this.stallThresholdNs) return { failed: false };
    return { failed: true, reason: `counter 501 stuck at ${value} for ${stalledNs} ns` };
  }

  reset(nowNs: Nanos): void {
    this.lastValue = this.bmc.stateArea.counter;
    this.lastChangeNs = nowNs;
  }
}

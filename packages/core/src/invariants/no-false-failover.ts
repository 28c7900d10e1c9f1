import type { UnderstudyPlugin } from "../plugin.js";

export const NO_FALSE_FAILOVER = "no-false-failover";

/**
 * A failure may be declared only after the hypervisor actually failed (crashed, hung or stalled),
 * or after it went unheard for longer than the detector's stated tolerance: a live hypervisor
 * whose signs of life (`hypervisorHeard`) were lost or delayed beyond it is a mistake every
 * detector over a lossy path makes now and then, and the failover it starts is kept safe by
 * fencing. Declaring a live hypervisor failed while it was heard within the tolerance, or with a
 * detector that states none, is a violation.
 */
export function noFalseFailoverPlugin(): UnderstudyPlugin {
  return {
    name: `understudy.invariant.${NO_FALSE_FAILOVER}`,
    apply(system) {
      // the watch starts at time 0 and again when a restarted hypervisor is watched afresh
      let lastHeardNs = 0;
      const heard = () => {
        lastHeardNs = system.scheduler.now;
      };
      system.hooks.hypervisorHeard.tap(NO_FALSE_FAILOVER, heard);
      system.hooks.hypervisorRestarted.tap(NO_FALSE_FAILOVER, heard);
      system.hooks.failureDetected.tap(NO_FALSE_FAILOVER, (e) => {
        if (system.hypervisor.failedAt !== undefined) return;
        const toleranceNs = system.monitoringUnit.detector.toleranceNs;
        const silentNs = system.scheduler.now - lastHeardNs;
        if (toleranceNs !== undefined && silentNs >= toleranceNs) return;
        const heardDetail =
          toleranceNs === undefined ? "" : ` (heard ${silentNs} ns ago, within its tolerance of ${toleranceNs} ns)`;
        system.violate(
          NO_FALSE_FAILOVER,
          `${e.detector} declared a live hypervisor failed${heardDetail}: ${e.reason}`,
          "hypervisor",
        );
      });
    },
  };
}

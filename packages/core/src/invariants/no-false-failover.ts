import type { UnderstudyPlugin } from "../plugin.js";

export const NO_FALSE_FAILOVER = "no-false-failover";

/** A failure may be declared only after the hypervisor actually failed (crashed, hung or stalled). */
export function noFalseFailoverPlugin(): UnderstudyPlugin {
  return {
    name: `understudy.invariant.${NO_FALSE_FAILOVER}`,
    apply(system) {
      system.hooks.failureDetected.tap(NO_FALSE_FAILOVER, (e) => {
        if (system.hypervisor.failedAt === undefined) {
          system.violate(
            NO_FALSE_FAILOVER,
            `${e.detector} declared a live hypervisor failed: ${e.reason}`,
            "hypervisor",
          );
        }
      });
    },
  };
}

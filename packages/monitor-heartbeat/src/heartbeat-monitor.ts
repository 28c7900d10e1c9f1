import type { MonitorKind } from "@understudy/core";
import { FixedTimeoutDetector } from "./fixed-timeout-detector.js";
import type { HeartbeatDetector } from "./heartbeat-detector.js";
import { type DetectorOptions, type HeartbeatMonitorOptions, heartbeatMonitorSchema } from "./options.js";
import { PhiAccrualDetector } from "./phi-accrual-detector.js";
import { startHeartbeats } from "./start-heartbeats.js";

export function createHeartbeatDetector(options: DetectorOptions, periodNs: number): HeartbeatDetector {
  switch (options.kind) {
    case "fixed-timeout":
      return new FixedTimeoutDetector(periodNs, options.missedPeriods);
    case "phi-accrual":
      return new PhiAccrualDetector({
        ...options,
        firstHeartbeatEstimateNs: options.firstHeartbeatEstimateNs ?? periodNs,
      });
  }
}

/**
 * The heartbeat monitor (kind "heartbeat"), the patent's "well-known method such as a heartbeat"
 * in place of Fig 13's counter: the hypervisor sends, the critical guest's detector listens.
 */
export const heartbeatMonitorKind: MonitorKind<HeartbeatMonitorOptions> = {
  kind: "heartbeat",
  schema: heartbeatMonitorSchema,
  create(ctx, options) {
    const detector = createHeartbeatDetector(options.detector, options.periodNs);
    startHeartbeats(ctx, options, (nowNs) => detector.heartbeat(nowNs));
    return { detector, pollNs: options.pollNs };
  },
};

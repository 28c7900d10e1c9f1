import { createSystem, type System, type SystemConfigInput } from "@understudy/core";
import { monitorBmc } from "@understudy/monitor-bmc";
import { type ConvergedAdapter, cnaSriov } from "../src/index.js";

/** Shorter reboots than the defaults, so that a failover and the guests' return fit a short run. */
export const FAST_REBOOTS = { hypervisorRebootNs: "300ms", guestRebootNs: "200ms" } as const;

export function cnaSystem(config: Partial<SystemConfigInput>): System {
  return createSystem({
    plugins: [cnaSriov(), monitorBmc()],
    config: { devices: [{ kind: "cna", id: "cna0" }], ...config } as SystemConfigInput,
  });
}

export function cnaOf(system: System, id = "cna0"): ConvergedAdapter {
  return system.device(id) as ConvergedAdapter;
}

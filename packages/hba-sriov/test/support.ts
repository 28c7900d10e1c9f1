import { createSystem, type System, type SystemConfigInput } from "@understudy/core";
import { monitorBmc } from "@understudy/monitor-bmc";
import { expect } from "vitest";
import {
  type BlockWorkload,
  type FibreChannelHba,
  hbaSriov,
  type ScsiCommand,
  type ScsiHost,
  type ScsiResult,
} from "../src/index.js";

/** Shorter reboots than the defaults, so that a failover and the guests' return fit a short run. */
export const FAST_REBOOTS = { hypervisorRebootNs: "300ms", guestRebootNs: "200ms" } as const;

export function hbaSystem(config: Partial<SystemConfigInput>): System {
  return createSystem({
    plugins: [hbaSriov(), monitorBmc()],
    config: { devices: [{ kind: "hba", id: "hba0" }], ...config } as SystemConfigInput,
  });
}

export function hbaOf(system: System, id = "hba0"): FibreChannelHba {
  return system.device(id) as FibreChannelHba;
}

export function blockWorkloadOf(system: System, guest: string): BlockWorkload {
  const workload = [...system.guest(guest).workloads.values()][0];
  expect(workload?.name).toBe("block-verify");
  return workload as BlockWorkload;
}

/** Submit one command and run the simulation until it completes. */
export function runCommand(system: System, host: ScsiHost, command: ScsiCommand, limitNs = 50_000_000): ScsiResult {
  let result: ScsiResult | undefined;
  const submitted = host.submit(command, (r) => {
    result = r;
  });
  if (!submitted.ok) throw new Error(`command refused: ${submitted.code}`);
  system.scheduler.runUntilTrue(() => result !== undefined, system.scheduler.now + limitNs);
  if (result === undefined) throw new Error("command did not complete");
  return result;
}

/**
 * Submit `commands` keeping up to `depth` outstanding, as the simulation runs, until all have
 * completed; `onIdle` runs when the pipeline cannot be refilled (a refusal) before retrying.
 */
export function runCommands(
  system: System,
  host: () => ScsiHost,
  commands: readonly ScsiCommand[],
  depth: number,
  limitNs: number,
): ScsiResult[] {
  const results: ScsiResult[] = new Array(commands.length);
  let next = 0;
  let done = 0;
  const fill = () => {
    while (next < commands.length && host().outstanding < depth) {
      const index = next;
      const submitted = host().submit(commands[index], (r) => {
        results[index] = r;
        done++;
        fill();
      });
      if (!submitted.ok) return;
      next++;
    }
  };
  const retry = system.scheduler.every(10_000, () => fill());
  fill();
  system.scheduler.runUntilTrue(() => done === commands.length, system.scheduler.now + limitNs);
  retry.cancel();
  expect(done).toBe(commands.length);
  return results;
}

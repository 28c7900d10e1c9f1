import {
  createSystem,
  type HookName,
  type System,
  type SystemConfigInput,
  type SystemHooks,
  type UnderstudyPlugin,
} from "@understudy/core";
import { monitorBmc } from "@understudy/monitor-bmc";
import { buildFrame, macFromString, nicSriov, PEER_MAC_BYTES } from "@understudy/nic-sriov";

/** A NIC system (3 guests, 4 VFs, BMC monitor), with any part of the configuration replaced. */
export function nicSystem(config: Partial<SystemConfigInput> = {}, plugins: UnderstudyPlugin[] = []): System {
  return createSystem({
    plugins: [nicSriov(), monitorBmc(), ...plugins],
    config: { devices: [{ kind: "nic", id: "nic0", vfs: 4 }], ...config },
  });
}

/** Three guests that issue no I/O of their own, so a test can drive the drivers by hand. */
export const IDLE_GUESTS = [
  { name: "g1", critical: true, workloads: { nic0: null } },
  { name: "g2", workloads: { nic0: null } },
  { name: "g3", workloads: { nic0: null } },
];

export interface Recorded<T> {
  readonly atNs: number;
  readonly event: T;
}

type HookArg<N extends HookName> = SystemHooks[N] extends { tap(name: string, fn: (arg: infer A) => void): void }
  ? A
  : never;

/** Every call of a hook, with its simulated time. */
export function record<N extends HookName>(system: System, hook: N): Recorded<HookArg<N>>[] {
  const out: Recorded<HookArg<N>>[] = [];
  (system.hooks[hook] as unknown as { tap(name: string, fn: (arg: HookArg<N>) => void): void }).tap(
    "test-recorder",
    (event) => out.push({ atNs: system.scheduler.now, event }),
  );
  return out;
}

/** A frame from a guest's VF to the LAN peer. */
export function frameFrom(system: System, guest: string, sequence: number, bytes = 1500): Uint8Array {
  const driver = system.guest(guest).drivers[0];
  return buildFrame(PEER_MAC_BYTES, macFromString(driver.vf.identity.mac), bytes, { sequence, origin: 1 });
}

export function violationsOf(system: System): string[] {
  return system.violations.map((v) => v.message);
}

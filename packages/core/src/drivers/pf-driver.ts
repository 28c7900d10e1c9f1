import { inject, injectable } from "tsyringe";
import type { SystemHooks } from "../hooks.js";
import type { RegionAllocator } from "../memory/allocator.js";
import { PhysicalLinkStateTable } from "../memory/layouts/physical-link-state.js";
import type { Hypervisor } from "../platform/hypervisor.js";
import type { Topology } from "../platform/topology.js";
import { ALLOCATOR, HOOKS, HYPERVISOR, SYSTEM_TOPOLOGY } from "../tokens.js";
import { LinkStateEmulator } from "./link-state-emulator.js";
import type { SubPfDriver } from "./sub-pf-driver.js";

/**
 * PF driver 122, in the hypervisor. Owns every PF, keeps physical link state 130 in hypervisor
 * memory, and emulates the link interface for every VF driver (Fig 11, 12). Its periodic duty of
 * Fig 13 (the BMC counter) is installed by the monitor plugin.
 */
@injectable()
export class PfDriver {
  private emulatorsByPf = new Map<string, LinkStateEmulator>();

  constructor(
    @inject(HYPERVISOR) private readonly hypervisor: Hypervisor,
    @inject(SYSTEM_TOPOLOGY) private readonly topology: Topology,
    @inject(ALLOCATOR) private readonly allocator: RegionAllocator,
    @inject(HOOKS) private readonly hooks: SystemHooks,
  ) {}

  get emulators(): readonly LinkStateEmulator[] {
    return [...this.emulatorsByPf.values()];
  }

  emulator(pfId: string): LinkStateEmulator | undefined {
    return this.emulatorsByPf.get(pfId);
  }

  /**
   * Boot: build 130 afresh for every PF, take the PFs, serve every VF channel, read the link.
   * After a failover, `handover` is the sub PF driver still serving the critical guest: the
   * notified state it holds for that guest's VFs is carried over (its 130A is in healthy memory),
   * so the critical guest sees no spurious link event when the PF changes hands (failback).
   */
  start(handover?: SubPfDriver): void {
    this.emulatorsByPf.clear();
    for (const pf of this.topology.pfs) {
      const count = pf.vfs.length + 1;
      const region = this.hypervisor.allocate(
        PhysicalLinkStateTable.bytesFor(count),
        `${pf.id} physical link state 130`,
      );
      const table = new PhysicalLinkStateTable(this.allocator.memory, region.base).format(count);
      table.onRead = () => this.hooks.linkTableRead.call({ table: "130", reader: "pf-driver" });
      const emulator = new LinkStateEmulator("pf-driver", pf, table, this.hypervisor, this.hooks);
      this.emulatorsByPf.set(pf.id, emulator);
      emulator.claim(); // fences the sub PF driver, if it held the PF
      const previous = handover?.emulator(pf.id);
      if (previous !== undefined) {
        for (const index of previous.servedVfs) {
          const row = previous.table.row(index);
          emulator.storeNotified(index, row.notifiedUp, row.notifiedMaxBps, row.notifiedAllocBps);
        }
        previous.standDown();
      }
      for (const vf of pf.vfs) {
        const channel = this.topology.channels.get(vf.id);
        if (channel !== undefined) emulator.serve(channel);
      }
      emulator.routeInterrupts();
      emulator.readAndStore(); // 1002-1004 at boot
    }
  }
}

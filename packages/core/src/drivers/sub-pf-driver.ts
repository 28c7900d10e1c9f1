import { inject, injectable } from "tsyringe";
import type { SystemHooks } from "../hooks.js";
import { PhysicalLinkStateTable } from "../memory/layouts/physical-link-state.js";
import type { MainMemory } from "../memory/main-memory.js";
import type { GuestOs } from "../platform/guest-os.js";
import type { Topology } from "../platform/topology.js";
import { GUEST, HOOKS, MEMORY, SYSTEM_TOPOLOGY } from "../tokens.js";
import { LinkStateEmulator } from "./link-state-emulator.js";

/**
 * Sub PF driver 122A, the understudy of the PF driver, in the critical guest. Keeps physical link
 * state 130A in the critical guest's own memory. In standby it does nothing but hold 130A (which
 * embodiment 2 keeps in sync); after takeover it serves the critical guest's VFs with the same
 * link logic as the PF driver, and never reads table 130.
 */
@injectable()
export class SubPfDriver {
  private readonly emulatorsByPf = new Map<string, LinkStateEmulator>();
  activations = 0;

  constructor(
    @inject(GUEST) private readonly guest: GuestOs,
    @inject(SYSTEM_TOPOLOGY) private readonly topology: Topology,
    @inject(MEMORY) private readonly memory: MainMemory,
    @inject(HOOKS) private readonly hooks: SystemHooks,
  ) {}

  /** Lay out 130A for every PF in the critical guest's memory. */
  init(): void {
    for (const pf of this.topology.pfs) {
      const count = pf.vfs.length + 1;
      const region = this.guest.allocatePersistent(
        PhysicalLinkStateTable.bytesFor(count),
        `${pf.id} physical link state 130A`,
      );
      const table = new PhysicalLinkStateTable(this.memory, region.base).format(count);
      this.emulatorsByPf.set(pf.id, new LinkStateEmulator("sub-pf-driver", pf, table, this.guest, this.hooks));
    }
  }

  get emulators(): readonly LinkStateEmulator[] {
    return [...this.emulatorsByPf.values()];
  }

  emulator(pfId: string): LinkStateEmulator | undefined {
    return this.emulatorsByPf.get(pfId);
  }

  get active(): boolean {
    return this.emulators.some((e) => e.active);
  }

  /** Fence the PF driver: from here on the device refuses its link requests. */
  claimAll(): void {
    for (const emulator of this.emulators) emulator.claim();
  }

  /**
   * Serve the critical guest's VFs and take the PFs' link interrupts. A pending interrupt (a link
   * change the dead PF driver never acknowledged) is delivered now. Then each served VF driver is
   * sent an interrupt notification, as a PF driver announces a PF reset to its VFs (ixgbe's
   * mailbox does the same): it re-reads its link state from the sub PF driver (Fig 14), so a
   * change it was never told of reaches it even if no interrupt was pending.
   * Returns how many interrupts were pending.
   */
  activate(): number {
    this.activations++;
    const mine = new Set(this.topology.assignments.get(this.guest.name) ?? []);
    let pending = 0;
    for (const emulator of this.emulators) {
      for (const vf of emulator.pf.vfs) if (mine.has(vf)) emulator.serve(this.topology.channel(vf));
      if (emulator.routeInterrupts()) pending++;
      emulator.notifyAll();
    }
    return pending;
  }
}

import type { UnderstudyPlugin } from "../plugin.js";

export const MEMORY_SAFETY = "memory-safety";

/**
 * No DMA outside a VF's assigned memory, and none into a guest's or the hypervisor's memory after
 * its soft reset began. A correct system never even attempts one, so every IOMMU refusal counts;
 * and at each soft reset, no function may still have the reset owner's memory mapped.
 */
export function memorySafetyPlugin(): UnderstudyPlugin {
  return {
    name: `understudy.invariant.${MEMORY_SAFETY}`,
    apply(system) {
      const resetting = new Set<string>();
      system.hooks.softResetStarted.tap(MEMORY_SAFETY, (e) => {
        resetting.add(e.target);
        for (const device of system.topology.devices) {
          for (const vf of device.vfs) {
            if (system.iommu.mappedRegions(vf.id).some((r) => r.owner === e.target)) {
              system.violate(
                MEMORY_SAFETY,
                `${vf.id} still maps memory of ${e.target} after its soft reset began`,
                vf.id,
              );
            }
          }
        }
      });
      system.hooks.guestRestarted.tap(MEMORY_SAFETY, (e) => resetting.delete(`guest:${e.guest}`));
      system.hooks.hypervisorRestarted.tap(MEMORY_SAFETY, () => resetting.delete("hypervisor"));
      system.hooks.dmaRefused.tap(MEMORY_SAFETY, (e) => {
        const where = e.targetOwner ?? "unallocated memory";
        const why =
          e.targetOwner && resetting.has(e.targetOwner) ? `after its soft reset began` : `outside its assigned memory`;
        system.violate(
          MEMORY_SAFETY,
          `DMA ${e.direction} of ${e.length} bytes at 0x${e.address.toString(16)} into ${where}, ${why}`,
          e.functionId,
        );
      });
    },
  };
}

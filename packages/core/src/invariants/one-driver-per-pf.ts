import type { PhysicalFunction } from "../device/functions.js";
import type { UnderstudyPlugin } from "../plugin.js";

export const ONE_DRIVER_PER_PF = "one-driver-per-pf";

/**
 * Never two drivers on one PF: every effect a driver has on a PF (taking its link interrupt,
 * storing the device's state in table 130, answering a VF's link request) comes from the PF's
 * owner at that instant. A hypervisor that was only slow when it was suspected must stay fenced
 * (issue #5). Embodiment 2's mirroring into 130A while the PF driver owns the PF drives nothing
 * and is not an effect.
 */
export function oneDriverPerPfPlugin(): UnderstudyPlugin {
  return {
    name: `understudy.invariant.${ONE_DRIVER_PER_PF}`,
    apply(system) {
      const byId = new Map<string, PhysicalFunction>();
      const pf = (id: string) => {
        if (byId.size === 0) for (const p of system.topology.pfs) byId.set(p.id, p);
        return byId.get(id);
      };
      const effect = (target: PhysicalFunction | undefined, driver: string, what: string) => {
        if (target !== undefined && target.owner.owner !== driver) {
          system.violate(ONE_DRIVER_PER_PF, `${driver} ${what} while ${target.owner.owner} owns the PF`, target.id);
        }
      };
      const h = system.hooks;
      h.interruptHandled.tap(ONE_DRIVER_PER_PF, (e) => effect(pf(e.pf), e.target, "took the link interrupt"));
      h.physicalLinkStored.tap(ONE_DRIVER_PER_PF, (e) => {
        if (e.table === "130") effect(pf(e.pf), "pf-driver", `stored function ${e.index}'s physical state in 130`);
      });
      h.notifiedLinkStored.tap(ONE_DRIVER_PER_PF, (e) => {
        if (e.table === "130") effect(pf(e.pf), "pf-driver", `stored function ${e.index}'s notified state in 130`);
      });
      h.virtualLinkUpdated.tap(ONE_DRIVER_PER_PF, (e) => {
        const owner = pf(e.vf.slice(0, e.vf.lastIndexOf("/")));
        effect(owner, e.source, `answered ${e.vf}'s link request`);
      });
    },
  };
}

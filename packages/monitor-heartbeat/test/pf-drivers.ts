import type { PhysicalFunction, System } from "@understudy/core";

type Driver = "pf-driver" | "sub-pf-driver";

/**
 * Watches who drives each PF. Every effect of a driver on a PF (taking its link interrupt,
 * storing the device's link state in table 130, answering a VF's link request) must come from the
 * PF's owner at that instant; a breach is two drivers on one PF. (130A is the sub PF driver's
 * own memory: embodiment 2 mirrors into it while the PF driver owns the PF, which drives nothing.)
 */
export function watchPfDrivers(system: System) {
  const breaches: string[] = [];
  const effects: Record<Driver, number> = { "pf-driver": 0, "sub-pf-driver": 0 };
  const pf = (id: string) => system.topology.pfs.find((p) => p.id === id) as PhysicalFunction;
  const effect = (target: PhysicalFunction, driver: string, what: string) => {
    effects[driver as Driver]++;
    if (target.owner.owner !== driver) {
      breaches.push(`${system.scheduler.now} ns: ${driver} ${what} on ${target.id}, owned by ${target.owner.owner}`);
    }
  };
  const name = "test.pf-drivers";
  const h = system.hooks;
  h.interruptHandled.tap(name, (e) => effect(pf(e.pf), e.target, "took the link interrupt"));
  h.physicalLinkStored.tap(name, (e) => {
    if (e.table === "130") effect(pf(e.pf), "pf-driver", `stored the physical state of function ${e.index}`);
  });
  h.notifiedLinkStored.tap(name, (e) => {
    if (e.table === "130") effect(pf(e.pf), "pf-driver", `stored the notified state of function ${e.index}`);
  });
  h.virtualLinkUpdated.tap(name, (e) => {
    const vf = system.topology.devices.flatMap((d) => d.vfs).find((v) => v.id === e.vf);
    if (vf) effect(vf.pf, e.source, `answered ${e.vf}`);
  });
  return { breaches, effects };
}

import { buildRunReport, MS } from "@understudy/core";
import type { BlockWorkload } from "@understudy/hba-sriov";
import type { EchoWorkload } from "@understudy/nic-sriov";
import { describe, expect, test } from "vitest";
import { cnaOf, cnaSystem } from "./support.js";

describe("one port, two PFs: a link failure takes both down", () => {
  test("Fig 7/11/14: one cable pull raises both PFs' interrupts and reaches the VF drivers of the Ethernet and the FCoE PF; both come back when it is plugged in", () => {
    const system = cnaSystem({
      durationNs: "40ms",
      guests: [
        { name: "g1", critical: true, workloads: { cna0: { eth: { rateFps: 50_000 }, fcoe: { rateIops: 20_000 } } } },
        { name: "g2", workloads: { cna0: { eth: { rateFps: 50_000 }, fcoe: { rateIops: 20_000 } } } },
      ],
      faults: [
        { at: "10ms", kind: "cable-unplug", device: "cna0" },
        { at: "20ms", kind: "cable-plug", device: "cna0" },
      ],
    });
    const cna = cnaOf(system);
    const interrupts: { pf: string; atNs: number }[] = [];
    system.hooks.interruptRaised.tap("test", (e) => interrupts.push({ pf: e.pf, atNs: system.scheduler.now }));
    const upAgainAtNs = new Map<string, number>();
    system.hooks.virtualLinkUpdated.tap("test", (e) => {
      if (e.up && system.scheduler.now > 20 * MS && !upAgainAtNs.has(e.vf)) upAgainAtNs.set(e.vf, system.scheduler.now);
    });

    system.runUntil(15 * MS);
    const drivers = system.topology.guests.flatMap((g) => g.drivers);
    expect(drivers.map((d) => d.vf.id).sort()).toEqual([
      "cna0/eth/vf1",
      "cna0/eth/vf2",
      "cna0/fcoe/vf1",
      "cna0/fcoe/vf2",
    ]);
    for (const driver of drivers) expect(driver.virtualLink.up).toBe(false);
    const afterPull = interrupts.filter((i) => i.atNs >= 10 * MS && i.atNs < 15 * MS).map((i) => i.pf);
    expect([...new Set(afterPull)].sort()).toEqual(["cna0/eth", "cna0/fcoe"]);
    expect(cna.fabric.nport.state).toBe("linkdown");

    system.run();
    for (const driver of drivers) expect(driver.virtualLink.up).toBe(true);
    // Ethernet is back with the cable; FCoE only after its FLOGI and FDISC
    expect(upAgainAtNs.get("cna0/fcoe/vf1")).toBeGreaterThan(upAgainAtNs.get("cna0/eth/vf1") as number);
    expect(cna.fabric.nport.state).toBe("online");
    const report = buildRunReport(system);
    expect(report.violations).toEqual([]);
    for (const guest of system.topology.guests) {
      for (const workload of guest.workloads.values()) {
        expect(workload.ledger.refused.LINK_DOWN).toBeGreaterThan(0); // both PFs' drivers saw it
        expect(workload.ledger.completed).toBeGreaterThan(0);
      }
      const block = [...guest.workloads.values()].find((w) => w.name === "block-verify") as BlockWorkload;
      expect(block.mismatches).toBe(0);
      const echo = [...guest.workloads.values()].find((w) => w.name === "ethernet-echo") as EchoWorkload;
      expect(echo.ledger.failed).toBe(0);
    }
    for (const row of report.guests) expect(row).toMatchObject({ lost: 0, failed: 0 });
  });
});

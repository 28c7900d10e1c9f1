import { buildRunReport, MS, US } from "@understudy/core";
import { describe, expect, test } from "vitest";
import { cdb, ScsiHost } from "../src/index.js";
import { blockWorkloadOf, hbaOf, hbaSystem } from "./support.js";

describe("fabric login (FLOGI, FDISC) and the VF's link (Fig 3, step 601)", () => {
  test("the PF's FLOGI, then each VF's FDISC, are accepted before the VF's link is up and before its first command", () => {
    const system = hbaSystem({
      durationNs: "20ms",
      guests: [
        { name: "g1", critical: true, workloads: { hba0: { rateIops: 20_000 } } },
        { name: "g2", workloads: { hba0: null } },
      ],
    });
    const logins: { atNs: number; change: string }[] = [];
    system.hooks.physicalLinkChanged.tap("test", (e) => {
      if (/FLOGI|FDISC/.test(e.change)) logins.push({ atNs: system.scheduler.now, change: e.change });
    });
    let linkUpAtNs: number | undefined;
    system.hooks.virtualLinkUpdated.tap("test", (e) => {
      if (e.guest === "g1" && e.up) linkUpAtNs ??= system.scheduler.now;
    });
    let firstCommandAtNs: number | undefined;
    system.hooks.txSubmitted.tap("test", (e) => {
      if (e.guest === "g1") firstCommandAtNs ??= system.scheduler.now;
    });
    const hba = hbaOf(system);
    const vf1 = hba.pfs[0].vf(1);
    // at time 0 the link is up but nothing is logged in
    expect(hba.fabric.nport.state).toBe("initializing");
    expect(hba.fabric.vport(vf1).state).toBe("linkdown");
    expect(hba.linkOfPf(hba.pfs[0]).every((row) => !row.up)).toBe(true);

    // a command before the FDISC is refused by the VF driver (1401 -> 1402)
    system.runUntil(50 * US);
    const g2 = new ScsiHost(system.guest("g2").drivers[0], 4, 4096);
    expect(g2.submit({ lun: 1, cdb: cdb.testUnitReady() }, () => {})).toEqual({ ok: false, code: "LINK_DOWN" });

    system.run();
    const flogi = logins.filter((l) => l.change.includes("FLOGI"));
    const fdisc = logins.filter((l) => l.change.includes("FDISC"));
    expect(flogi.map((l) => l.change)).toEqual(["hba0/pf0 FLOGI accepted"]);
    expect(fdisc.map((l) => l.change)).toEqual([1, 2, 3, 4].map((i) => `hba0/pf0/vf${i} FDISC accepted`));
    for (const f of fdisc) expect(f.atNs).toBeGreaterThan(flogi[0].atNs);
    const vf1Fdisc = fdisc[0].atNs;
    expect(linkUpAtNs).toBeGreaterThan(vf1Fdisc);
    expect(firstCommandAtNs).toBeGreaterThan(linkUpAtNs as number);
    expect(hba.fabric.nport.state).toBe("online");
    expect(hba.fabric.vport(vf1).state).toBe("active");
    expect(hba.san.logins).toEqual({ FLOGI: 1, FDISC: 4 });
    expect(buildRunReport(system).violations).toEqual([]);
    expect(blockWorkloadOf(system, "g1").verifiedReads).toBeGreaterThan(0);
  });

  test("while the port is offline I/O is refused (LINK_DOWN); after the cable is back the VFs log in again and I/O resumes with nothing lost", () => {
    const system = hbaSystem({
      durationNs: "60ms",
      guests: [
        { name: "g1", critical: true, workloads: { hba0: { rateIops: 20_000 } } },
        { name: "g2", workloads: { hba0: null } },
      ],
      faults: [
        { at: "10ms", kind: "cable-unplug", device: "hba0" },
        { at: "30ms", kind: "cable-plug", device: "hba0" },
      ],
    });
    const refusals: number[] = [];
    system.hooks.txRefused.tap("test", (e) => {
      if (e.guest === "g1") refusals.push(system.scheduler.now);
    });
    const hba = hbaOf(system);
    const workload = blockWorkloadOf(system, "g1");

    system.runUntil(20 * MS);
    expect(hba.fabric.nport.state).toBe("linkdown");
    expect(hba.fabric.vport(hba.pfs[0].vf(2)).state).toBe("linkdown");
    const g2Driver = system.guest("g2").drivers[0];
    expect(g2Driver.virtualLink.up).toBe(false);
    const g2 = new ScsiHost(g2Driver, 4, 4096);
    expect(g2.submit({ lun: 1, cdb: cdb.testUnitReady() }, () => {}).ok).toBe(false);
    const verifiedWhileDown = workload.verifiedReads;

    system.run();
    expect(workload.ledger.refused.LINK_DOWN).toBeGreaterThan(0);
    // refused only between the link-down and the new login (plus the time to tell the driver)
    for (const at of refusals) {
      expect(at).toBeGreaterThan(10 * MS);
      expect(at).toBeLessThan(35 * MS);
    }
    expect(hba.san.logins).toEqual({ FLOGI: 2, FDISC: 8 });
    expect(hba.fabric.nport.state).toBe("online");
    expect(workload.verifiedReads).toBeGreaterThan(verifiedWhileDown);
    const g1 = buildRunReport(system).guests[0];
    expect(g1).toMatchObject({ lost: 0, failed: 0, inFlight: 0 });
    expect(g1.completed).toBe(g1.submitted);
    expect(workload.mismatches).toBe(0);
    expect(buildRunReport(system).violations).toEqual([]);
  });
});

import { buildRunReport, type FailoverStrategy, MS, SEC } from "@understudy/core";
import { describe, expect, test } from "vitest";
import { frameFrom, nicSystem, record, violationsOf } from "./support/systems.js";

const STRATEGIES = ["rebuild-on-failover", "continuous-sync"] as const satisfies readonly FailoverStrategy["name"][];

describe.each(STRATEGIES)("a hypervisor crash under %s", (strategy) => {
  test("the critical guest loses no frame and its I/O never stands still longer than its RX polling period", () => {
    const system = nicSystem({ strategy, durationNs: "5s", faults: [{ at: "2s", kind: "hypervisor-crash" }] });
    system.run();
    const report = buildRunReport(system);
    const g1 = report.guests.find((g) => g.name === "g1");
    expect(report.failovers).toHaveLength(1);
    expect(g1).toMatchObject({ lost: 0, abandonedAtReset: 0, inFlight: 0, failed: 0, refused: {} });
    expect(g1?.completed).toBe(g1?.submitted);
    expect(g1?.submitted).toBeGreaterThan(49_000);
    expect(g1?.longestGapNs).toBeLessThanOrEqual(system.config.timing.vfRxPollNs);
    expect(violationsOf(system)).toEqual([]);
  });

  test("the other guests' frames queued before the forced stop are all sent; after it their sends fail with FORCED_STOP", () => {
    const system = nicSystem({
      strategy,
      guests: [
        { name: "g1", critical: true },
        { name: "g2", workloads: { nic0: { rateFps: 400_000 } } }, // more than 2.5 Gb/s: its TX ring stays busy
        { name: "g3" },
      ],
      faults: [{ at: "300ms", kind: "hypervisor-crash" }],
    });
    const submitted = record(system, "txSubmitted");
    const completed = record(system, "txCompleted");
    const afterStop: string[] = [];
    let queuedAtStop = -1;
    let stopAt = -1;
    system.hooks.forcedStopSent.tap("test", (e) => {
      if (e.guest !== "g2") return;
      stopAt = system.scheduler.now;
      const driver = system.guest("g2").drivers[0];
      queuedAtStop = driver.queue.tx.pending;
      const result = driver.send(frameFrom(system, "g2", 1_000_000));
      afterStop.push(result.ok ? "sent" : result.code);
    });
    const drained = record(system, "drainCompleted");
    system.runUntil(900 * MS);
    expect(queuedAtStop).toBeGreaterThan(0);
    expect(afterStop).toEqual(["FORCED_STOP"]);
    const g2Submitted = submitted.filter((s) => s.event.guest === "g2" && s.atNs <= stopAt).length;
    const g2Completed = completed.filter((c) => c.event.guest === "g2" && c.atNs <= drained[0].atNs).length;
    expect(g2Completed).toBe(g2Submitted);
    expect(drained[0].event.outcome).toBe("complete");
    expect(violationsOf(system)).toEqual([]);
  });

  test("no DMA reaches the other guests' or the hypervisor's memory once their soft reset began", () => {
    const system = nicSystem({ strategy, faults: [{ at: "1s", kind: "hypervisor-crash" }] });
    const refused = record(system, "dmaRefused");
    const resets = record(system, "softResetStarted");
    system.runUntil(1500 * MS);
    expect(resets.map((r) => r.event.target)).toEqual(["hypervisor", "guest:g2", "guest:g3"]);
    for (const vf of system.device("nic0").vfs) {
      const owners = system.iommu.mappedRegions(vf.id).map((r) => r.owner);
      expect(owners.every((o) => o === "guest:g1")).toBe(true);
    }
    system.runUntil(3 * SEC);
    expect(refused).toEqual([]);
    expect(violationsOf(system)).toEqual([]);
  });

  test("a crash that scribbles over table 130: the critical guest's link state stays right and 130 is never read until the restart", () => {
    const system = nicSystem({
      strategy,
      faults: [
        { at: "1s", kind: "hypervisor-crash", scribble: true },
        { at: "1100ms", kind: "link-speed", device: "nic0", speedBps: "8Gbps" },
      ],
    });
    const reads = record(system, "linkTableRead");
    system.runUntil(1 * SEC - 1);
    const table130 = system.pfDriver.emulator("nic0/pf0")?.table;
    const before = system.memory.read(table130?.base ?? 0, 64);
    system.runUntil(1 * SEC + 1);
    expect(system.memory.read(table130?.base ?? 0, 64)).not.toEqual(before);
    const crashAt = 1 * SEC;
    system.runUntil(3 * SEC);
    const restartAt = system.hypervisor.running ? 3400 * MS : Number.POSITIVE_INFINITY;
    expect(reads.filter((r) => r.atNs >= crashAt && r.atNs < restartAt)).toEqual([]);
    expect(system.guest("g1").drivers[0].virtualLink.get()).toEqual({ up: true, maxBps: 8e9, allocBps: 2e9 });
    expect(violationsOf(system)).toEqual([]);
  });

  test("a cable pulled while failed over reaches the critical guest through the sub PF driver, and so does its return", () => {
    const system = nicSystem({
      strategy,
      faults: [
        { at: "1s", kind: "hypervisor-crash" },
        { at: "2s", kind: "cable-unplug", device: "nic0" },
        { at: "2500ms", kind: "cable-plug", device: "nic0" },
      ],
    });
    const updates = record(system, "virtualLinkUpdated");
    system.run();
    const g1 = updates.filter((u) => u.event.guest === "g1" && u.atNs > 2 * SEC && u.atNs < 3 * SEC);
    expect(g1.map((u) => [u.event.up, u.event.source])).toEqual([
      [false, "sub-pf-driver"],
      [true, "sub-pf-driver"],
    ]);
    expect(g1[0].atNs - 2 * SEC).toBeLessThan(2 * MS);
    const report = buildRunReport(system);
    expect(report.guests.find((g) => g.name === "g1")).toMatchObject({ lost: 0, inFlight: 0 });
    expect(violationsOf(system)).toEqual([]);
  });

  test("failback returns to the configuration of Fig 2 and the other guests send and receive again", () => {
    const system = nicSystem({ strategy, durationNs: "8s", faults: [{ at: "1s", kind: "hypervisor-crash" }] });
    const failedBack = record(system, "failedBack");
    const restarted = record(system, "guestRestarted");
    const completions = record(system, "rxConsumed");
    system.run();
    expect(failedBack).toHaveLength(1);
    const pf = system.device("nic0").pfs[0];
    expect(pf.owner.owner).toBe("pf-driver");
    expect(pf.interrupts.target?.name).toBe("pf-driver");
    expect(system.subPf.active).toBe(false);
    for (const vf of pf.vfs.slice(0, 3)) expect(system.topology.channel(vf).server?.name).toBe("pf-driver");
    const backAt = restarted[restarted.length - 1].atNs;
    for (const guest of ["g2", "g3"]) {
      expect(completions.filter((c) => c.event.guest === guest && c.atNs > backAt).length).toBeGreaterThan(10_000);
      expect(system.guest(guest).drivers[0].virtualLink.up).toBe(true);
    }
    const report = buildRunReport(system);
    expect(report.guests.find((g) => g.name === "g1")).toMatchObject({ lost: 0, inFlight: 0, refused: {} });
    expect(violationsOf(system)).toEqual([]);
  });
});

describe("repeated failures", () => {
  test("after failback the monitor watches the new hypervisor, and a second crash fails over again", () => {
    const system = nicSystem({
      durationNs: "11s",
      faults: [
        { at: "1s", kind: "hypervisor-crash" },
        { at: "7s", kind: "hypervisor-crash", scribble: true },
      ],
    });
    system.run();
    const report = buildRunReport(system);
    expect(report.failovers.map((f) => [f.failureAtNs, f.detectedAtNs, f.failedBackAtNs])).toEqual([
      [1 * SEC, 1400 * MS, 3400 * MS + 52_000],
      [7 * SEC, 7400 * MS, 9400 * MS + 52_000],
    ]);
    expect(report.guests.find((g) => g.name === "g1")).toMatchObject({ lost: 0, inFlight: 0, refused: {} });
    expect(report.guests.find((g) => g.name === "g2")?.boots).toBe(3);
    expect(violationsOf(system)).toEqual([]);
  });
});

describe("normal operation", () => {
  test("a bandwidth change reaches every VF driver through the PF driver", () => {
    const system = nicSystem({ faults: [{ at: "1s", kind: "link-speed", device: "nic0", speedBps: "4Gbps" }] });
    system.runUntil(1010 * MS);
    for (const guest of ["g1", "g2", "g3"]) {
      expect(system.guest(guest).drivers[0].virtualLink.get()).toEqual({ up: true, maxBps: 4e9, allocBps: 1e9 });
    }
  });

  test("an administrator's allocation for one VF reaches only that VF's driver", () => {
    const system = nicSystem({ faults: [{ at: "1s", kind: "vf-allocation", vf: "nic0/pf0/vf3", bps: "1Gbps" }] });
    system.runUntil(1010 * MS);
    expect(system.guest("g3").drivers[0].virtualLink.get().allocBps).toBe(1e9);
    expect(system.guest("g2").drivers[0].virtualLink.get().allocBps).toBe(2.5e9);
  });
});

import { MS, SEC, US } from "@understudy/core";
import { describe, expect, test } from "vitest";
import { IDLE_GUESTS, nicSystem, record, violationsOf } from "./support/systems.js";

describe("Fig 17: monitoring unit", () => {
  test("steps 1601-1604: a counter still for the stall threshold is detected at the next poll; forced stops go out, then the failover unit starts", () => {
    const system = nicSystem({ faults: [{ at: "2s", kind: "hypervisor-crash" }] });
    const detected = record(system, "failureDetected");
    const stops = record(system, "forcedStopSent");
    const drain = record(system, "drainStarted");
    system.runUntil(3 * SEC);
    // last increment at 1.9 s, threshold 500 ms, polls every 100 ms
    expect(detected.map((d) => d.atNs)).toEqual([2400 * MS]);
    expect(stops.map((s) => [s.atNs, s.event.guest])).toEqual([
      [2400 * MS, "g2"],
      [2400 * MS, "g3"],
    ]);
    expect(drain.map((d) => d.atNs)).toEqual([2400 * MS]);
  });

  test("step 1602: a live hypervisor is never declared failed, over 60 simulated seconds", () => {
    const system = nicSystem({ durationNs: "60s", guests: IDLE_GUESTS });
    const detected = record(system, "failureDetected");
    system.run();
    expect(detected).toEqual([]);
    expect(violationsOf(system)).toEqual([]);
  });

  test("failed BMC reads alone are not a failure", () => {
    const system = nicSystem({ guests: IDLE_GUESTS, faults: [{ at: "1s", kind: "bmc-read-errors", count: 20 }] });
    const detected = record(system, "failureDetected");
    system.runUntil(5 * SEC);
    expect(detected).toEqual([]);
  });
});

describe("Fig 18: failover unit, embodiment 1 (rebuild-on-failover)", () => {
  test("step 1701 then 1702: RX of the other guests is disabled at once, and the drain waits until read == write on every ring", () => {
    const system = nicSystem({
      guests: IDLE_GUESTS,
      faults: [
        { at: "1s", kind: "hypervisor-crash" },
        { at: "1399ms", kind: "guest-freeze", guest: "g2", forNs: "2ms" },
      ],
    });
    const completed = record(system, "drainCompleted");
    system.runUntil(1399 * MS + 1);
    // g2 stops consuming: leave it three received frames it has not read yet
    const nic = system.device("nic0");
    const g2 = system.guest("g2").drivers[0];
    for (let i = 0; i < 3; i++) nic.receive(g2.vf, new Uint8Array(100));
    system.runUntil(1400 * MS);
    expect(g2.queue.rx.enabled).toBe(false); // 1701 at detection (1.4 s)
    expect(g2.queue.rx.pending).toBe(3);
    system.runUntil(2 * SEC);
    // 1702: done only once g2 resumed (1.401 s) and its next RX poll emptied the ring
    expect(completed).toHaveLength(1);
    expect(completed[0].atNs).toBeGreaterThanOrEqual(1401 * MS);
    expect(completed[0].atNs).toBeLessThan(1401 * MS + 20 * US);
    expect(completed[0].event).toMatchObject({ outcome: "complete", stuckGuests: [] });
  });

  test("step 1702's bound: a guest that never drains is reset after 100 ms, its leftovers counted, and the takeover goes on", () => {
    const system = nicSystem({
      guests: IDLE_GUESTS,
      faults: [
        { at: "1s", kind: "hypervisor-crash" },
        { at: "1300ms", kind: "guest-freeze", guest: "g3" },
      ],
    });
    system.runUntil(1300 * MS + 1);
    const g3 = system.guest("g3").drivers[0];
    system.device("nic0").receive(g3.vf, new Uint8Array(100));
    const completed = record(system, "drainCompleted");
    const active = record(system, "subPfActivated");
    system.runUntil(2 * SEC);
    expect(completed[0].atNs).toBe(1500 * MS);
    expect(completed[0].event).toEqual({
      outcome: "timed-out",
      stuckGuests: ["g3"],
      abandonedRxEntries: 1,
      abandonedTxEntries: 0,
    });
    expect(active).toHaveLength(1);
    expect(g3.vf.attached).toBeUndefined(); // the stuck VF was reset, nothing DMAs into g3 any more
    expect(violationsOf(system)).toEqual([]);
  });

  test("step 1703: TX of the other guests is off after the drain; steps 1704-1706 rebuild 130A from the device and the critical guest's 131, the others link down", () => {
    const system = nicSystem({ guests: IDLE_GUESTS, faults: [{ at: "1s", kind: "hypervisor-crash" }] });
    const reads = system.device("nic0").pfs[0].linkOperationUnit;
    const active = record(system, "subPfActivated");
    system.runUntil(1400 * MS);
    const servedBefore = reads.readsServed;
    const g2 = system.guest("g2").drivers[0];
    system.runUntil(1400 * MS + 100 * US);
    expect(g2.queue.tx.enabled).toBe(false);
    expect(reads.readsServed).toBe(servedBefore + 1); // 1704
    expect(active[0].atNs).toBe(1400 * MS + 51 * US + 2 * 5 * 100); // read, then 10 row writes
    const table = system.subPf.emulator("nic0/pf0")?.table;
    expect(table?.row(1)).toMatchObject({ physicalUp: true, notifiedUp: true, notifiedAllocBps: 2.5e9 });
    expect(table?.row(2)).toMatchObject({ physicalUp: true, notifiedUp: false });
    expect(table?.row(3)).toMatchObject({ physicalUp: true, notifiedUp: false });
  });

  test("step 1707: the hypervisor and the other guests are soft-reset after the takeover, and boot again", () => {
    const system = nicSystem({ faults: [{ at: "1s", kind: "hypervisor-crash" }] });
    const resets = record(system, "softResetStarted");
    const restarted = record(system, "guestRestarted");
    system.runUntil(5 * SEC);
    expect(resets.map((r) => r.event.target)).toEqual(["hypervisor", "guest:g2", "guest:g3"]);
    const resetAt = resets[0].atNs;
    expect(system.hypervisor.running).toBe(true);
    expect(restarted.map((r) => [r.event.guest, r.atNs])).toEqual([
      ["g2", resetAt + 2 * SEC + 1500 * MS],
      ["g3", resetAt + 2 * SEC + 1500 * MS],
    ]);
  });
});

describe("Fig 19-21: embodiment 2 (continuous-sync)", () => {
  test("steps 1803 and 1902: every store into 130 reaches 130A through the critical guest, one message per step", () => {
    const system = nicSystem({ guests: IDLE_GUESTS, strategy: "continuous-sync" });
    const sync = record(system, "mailboxMessage");
    system.runUntil(2 * MS);
    const nic = system.device("nic0");
    system.scheduler.at(2 * MS + 1, () => nic.setVfAllocation(nic.pfs[0].vf(2), 4e9));
    system.runUntil(5 * MS);
    const a = system.pfDriver.emulator("nic0/pf0")?.table;
    const b = system.subPf.emulator("nic0/pf0")?.table;
    for (let i = 0; i <= 4; i++) expect(b?.row(i)).toEqual(a?.row(i));
    const after = sync.filter((m) => m.atNs > 2 * MS && m.event.channel === "hypervisor->critical");
    expect(after.map((m) => m.event.type)).toEqual(["sync-130", "sync-130"]); // 1803 once, 1902 once
  });

  test("step 2001: at failover only the other guests' VFs are marked down in 130A; no device read is needed", () => {
    const system = nicSystem({
      guests: IDLE_GUESTS,
      strategy: "continuous-sync",
      faults: [{ at: "1s", kind: "hypervisor-crash" }],
    });
    const active = record(system, "subPfActivated");
    system.runUntil(1400 * MS);
    const served = system.device("nic0").pfs[0].linkOperationUnit.readsServed;
    system.runUntil(1500 * MS);
    expect(active[0].atNs).toBe(1400 * MS + 3 * 100); // three rows, no read
    const table = system.subPf.emulator("nic0/pf0")?.table;
    expect(table?.row(1)).toMatchObject({ notifiedUp: true });
    expect(table?.row(2)).toMatchObject({ notifiedUp: false });
    expect(table?.row(4)).toMatchObject({ notifiedUp: false });
    // only the critical guest's own re-read after the change of owner touched the device
    expect(system.device("nic0").pfs[0].linkOperationUnit.readsServed).toBe(served);
  });

  test("a link change between the crash and the takeover is not lost: its interrupt stays pending and the sub PF driver takes it", () => {
    const system = nicSystem({
      strategy: "continuous-sync",
      faults: [
        { at: "1s", kind: "hypervisor-crash" },
        { at: "1200ms", kind: "link-speed", device: "nic0", speedBps: "4Gbps" },
      ],
    });
    const active = record(system, "subPfActivated");
    system.runUntil(1500 * MS);
    expect(active[0].event.pendingInterrupts).toBe(1);
    const g1 = system.guest("g1").drivers[0];
    expect(g1.virtualLink.get()).toEqual({ up: true, maxBps: 4e9, allocBps: 1e9 });
    expect(system.subPf.emulator("nic0/pf0")?.table.row(1)).toMatchObject({ physicalMaxBps: 4e9, notifiedMaxBps: 4e9 });
    system.runUntil(3 * SEC);
    expect(violationsOf(system)).toEqual([]);
  });
});

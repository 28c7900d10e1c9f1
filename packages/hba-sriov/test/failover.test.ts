import { buildRunReport, MS } from "@understudy/core";
import { describe, expect, test } from "vitest";
import { cdb, fillBlock, generationOf, type ScsiCommand, ScsiHost, ScsiStatus } from "../src/index.js";
import { blockWorkloadOf, FAST_REBOOTS, hbaOf, hbaSystem, runCommands } from "./support.js";

const STRATEGIES = ["rebuild-on-failover", "continuous-sync"] as const;

describe.each(STRATEGIES)("HBA failover with %s, through the core alone", (strategy) => {
  test("Fig 18: the critical guest's commands never fail nor pause; the others' are drained, and they verify their data after the reboot", () => {
    const system = hbaSystem({
      durationNs: "1400ms",
      strategy,
      timing: FAST_REBOOTS,
      guests: [
        { name: "g1", critical: true, workloads: { hba0: { rateIops: 5000, queueDepth: 16 } } },
        // g2 keeps its TX ring full of 128 KiB writes: there are some in flight at the forced stop
        { name: "g2", workloads: { hba0: { rateIops: 20_000, queueDepth: 16, blocksPerCommand: 32 } } },
        { name: "g3", workloads: { hba0: { rateIops: 5000, queueDepth: 16 } } },
      ],
      faults: [{ at: "100ms", kind: "hypervisor-crash" }],
    });
    let takenOver: string[] = [];
    system.hooks.subPfActivated.tap("test", (e) => {
      takenOver = [...e.pfs];
    });
    const critical = blockWorkloadOf(system, "g1");
    let verifiedAtTakeover = 0;
    system.hooks.subPfActivated.tap("test", () => {
      verifiedAtTakeover = critical.verifiedReads;
    });
    let verifiedAtFailback = 0;
    system.hooks.failedBack.tap("test", () => {
      verifiedAtFailback = critical.verifiedReads;
    });
    let g2OutstandingAtStop = 0;
    system.hooks.forcedStopSent.tap("test", (e) => {
      if (e.guest === "g2") g2OutstandingAtStop = blockWorkloadOf(system, "g2").outstanding();
    });
    system.run();

    const report = buildRunReport(system);
    expect(report.violations).toEqual([]);
    expect(takenOver).toEqual(["hba0/pf0"]);
    const [g1, g2, g3] = report.guests;
    expect(g1).toMatchObject({ failed: 0, lost: 0, abandonedAtReset: 0, inFlight: 0, refused: {}, boots: 1 });
    expect(g1.completed).toBe(g1.submitted);
    // block I/O went on while the sub PF driver served the link, and after the failback
    expect(verifiedAtFailback).toBeGreaterThan(verifiedAtTakeover);
    expect(critical.verifiedReads).toBeGreaterThan(verifiedAtFailback);
    expect(critical.mismatches).toBe(0);
    for (const [guest, row] of [
      ["g2", g2],
      ["g3", g3],
    ] as const) {
      const workload = blockWorkloadOf(system, guest);
      expect(row).toMatchObject({ failed: 0, lost: 0, boots: 2 });
      expect(workload.mismatches).toBe(0);
      // a write whose completion the reset swallowed had still reached the LUN (it was drained)
      expect(workload.abandonedWritesNotLanded).toBe(0);
    }
    // g2 had commands queued at the forced stop; the drain kept reception on until the device
    // owed g2 nothing, so every one of them completed and the reset abandoned none
    expect(g2OutstandingAtStop).toBeGreaterThan(0);
    expect(g2.abandonedAtReset).toBe(0);
    expect(g3.abandonedAtReset).toBe(0);
    expect(report.failovers[0].drain?.outcome).toBe("complete");
    expect(report.failovers[0].failedBackAtNs).toBeDefined();
  });
});

describe("data integrity across a failover", () => {
  test.each(STRATEGIES)(
    "%s: a pattern written across the hypervisor crash reads back intact while the sub PF driver serves, and after the failback",
    (strategy) => {
      const system = hbaSystem({
        durationNs: "1200ms",
        strategy,
        timing: FAST_REBOOTS,
        guests: [
          { name: "g1", critical: true, workloads: { hba0: null } },
          { name: "g2", workloads: { hba0: { rateIops: 5000 } } },
        ],
        faults: [{ at: "10ms", kind: "hypervisor-crash", scribble: true }],
      });
      let subPfActiveAtNs = 0;
      system.hooks.subPfActivated.tap("test", () => {
        subPfActiveAtNs = system.scheduler.now;
      });
      let failedBackAtNs = 0;
      system.hooks.failedBack.tap("test", () => {
        failedBackAtNs = system.scheduler.now;
      });
      system.runUntil(5 * MS);
      const driver = system.guest("g1").drivers[0];
      const host = new ScsiHost(driver, 16, 32 * 1024);
      const blocks = 8;
      const blockSize = 4096;
      const chunks = 400; // 12.5 MiB: still being written when the hypervisor dies at 10 ms
      const seed = 0x5eed;
      const writes: ScsiCommand[] = Array.from({ length: chunks }, (_, c) => {
        const data = new Uint8Array(blocks * blockSize);
        for (let b = 0; b < blocks; b++) fillBlock(data, b * blockSize, blockSize, seed, c * blocks + b, 1);
        return { lun: 0, cdb: cdb.write10(c * blocks, blocks), dataOut: data };
      });
      const reads: ScsiCommand[] = Array.from({ length: chunks }, (_, c) => ({
        lun: 0,
        cdb: cdb.read10(c * blocks, blocks),
        dataInLength: blocks * blockSize,
      }));
      const verify = (results: ReturnType<typeof runCommands>) => {
        let intact = 0;
        results.forEach((r, c) => {
          expect(r.scsiStatus).toBe(ScsiStatus.GOOD);
          for (let b = 0; b < blocks; b++) {
            if (generationOf(r.data as Uint8Array, b * blockSize, blockSize, seed, c * blocks + b) === 1) intact++;
          }
        });
        return intact;
      };

      const written = runCommands(system, () => host, writes, 16, 100 * MS);
      expect(system.hypervisor.failedAt).toBe(10 * MS); // the crash happened while the writes ran
      expect(written.every((r) => r.scsiStatus === ScsiStatus.GOOD && r.hostStatus === 0)).toBe(true);

      system.scheduler.runUntilTrue(() => subPfActiveAtNs > 0, 800 * MS);
      const readStartedAtNs = system.scheduler.now;
      expect(verify(runCommands(system, () => host, reads, 16, 100 * MS))).toBe(chunks * blocks);
      expect(readStartedAtNs).toBeLessThan(failedBackAtNs || Number.MAX_SAFE_INTEGER);

      system.scheduler.runUntilTrue(() => failedBackAtNs > 0, 1100 * MS);
      expect(verify(runCommands(system, () => host, reads, 16, 100 * MS))).toBe(chunks * blocks);

      system.run();
      const report = buildRunReport(system);
      expect(report.violations).toEqual([]);
      expect(hbaOf(system).san.target.lun(0)?.writtenBlocks).toBe(chunks * blocks);
    },
  );
});

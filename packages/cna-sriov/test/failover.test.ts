import { buildRunReport } from "@understudy/core";
import type { BlockWorkload } from "@understudy/hba-sriov";
import { describe, expect, test } from "vitest";
import { cnaSystem, FAST_REBOOTS } from "./support.js";

const WORKLOADS = { cna0: { eth: { rateFps: 20_000 }, fcoe: { rateIops: 10_000, queueDepth: 16 } } };

describe.each(["rebuild-on-failover", "continuous-sync"])(
  "CNA failover with %s, through the core alone",
  (strategy) => {
    test("Fig 18: the critical guest's sub PF driver takes over both PFs; its Ethernet and FCoE I/O never stop; the others come back and verify their data", () => {
      const system = cnaSystem({
        durationNs: "1400ms",
        strategy,
        timing: FAST_REBOOTS,
        guests: [
          { name: "g1", critical: true, workloads: WORKLOADS },
          { name: "g2", workloads: WORKLOADS },
          { name: "g3", workloads: WORKLOADS },
        ],
        faults: [{ at: "100ms", kind: "hypervisor-crash" }],
      });
      let takenOver: readonly string[] = [];
      system.hooks.subPfActivated.tap("test", (e) => {
        takenOver = e.pfs;
      });
      // the critical guest's I/O on each PF while the sub PF driver serves it
      const servedByUnderstudy = new Map<string, number>();
      let understudyServes = false;
      system.hooks.subPfActivated.tap("test", () => {
        understudyServes = true;
      });
      system.hooks.failedBack.tap("test", () => {
        understudyServes = false;
      });
      system.hooks.rxConsumed.tap("test", (e) => {
        if (understudyServes && e.guest === "g1") servedByUnderstudy.set(e.vf, (servedByUnderstudy.get(e.vf) ?? 0) + 1);
      });
      const answeredBy = new Set<string>();
      system.hooks.virtualLinkUpdated.tap("test", (e) => {
        if (e.guest === "g1") answeredBy.add(`${e.vf} ${e.source}`);
      });
      system.run();

      const report = buildRunReport(system);
      expect(report.violations).toEqual([]);
      expect(takenOver).toEqual(["cna0/eth", "cna0/fcoe"]);
      // both of the critical guest's VF drivers talked to the sub PF driver after the takeover
      expect(answeredBy).toContain("cna0/eth/vf1 sub-pf-driver");
      expect(answeredBy).toContain("cna0/fcoe/vf1 sub-pf-driver");
      expect(servedByUnderstudy.get("cna0/eth/vf1")).toBeGreaterThan(1000);
      expect(servedByUnderstudy.get("cna0/fcoe/vf1")).toBeGreaterThan(1000);
      const [g1, g2, g3] = report.guests;
      expect(g1).toMatchObject({ failed: 0, lost: 0, abandonedAtReset: 0, inFlight: 0, refused: {}, boots: 1 });
      for (const row of [g2, g3]) expect(row).toMatchObject({ failed: 0, lost: 0, boots: 2 });
      for (const guest of system.topology.guests) {
        const block = [...guest.workloads.values()].find((w) => w.name === "block-verify") as BlockWorkload;
        expect(block.verifiedReads).toBeGreaterThan(0);
        expect(block.mismatches).toBe(0);
        expect(block.abandonedWritesNotLanded).toBe(0);
      }
      expect(report.failovers[0].failedBackAtNs).toBeDefined();
    });
  },
);

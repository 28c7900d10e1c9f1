import { MS, type Rng, US } from "@understudy/core";
import { exactDuration } from "../replay.js";
import type { Catalog } from "./catalog.js";
import { logInt, weighted } from "./draw.js";

const GBPS = 1e9;
/** Link speeds a NIC starts at or renegotiates to. */
export const NIC_SPEEDS_BPS = [1 * GBPS, 10 * GBPS, 25 * GBPS] as const;
/** The least bandwidth a vf-allocation fault gives a VF. */
export const MIN_VF_ALLOCATION_BPS = 500e6;
/** Ethernet preamble, header, FCS and gap around a payload, near enough for a bandwidth budget. */
const FRAME_OVERHEAD_BYTES = 64;

export interface DrawnNic {
  readonly id: string;
  readonly vfs: number;
}

/** The facts of a drawn system that the fault schedule is drawn against, times in ns. */
export interface DrawnSystem {
  readonly guests: readonly string[];
  readonly critical: string;
  readonly nics: readonly DrawnNic[];
  /** guest -> its VF ids, one per NIC (VF i+1 of every PF for the i-th guest). */
  readonly vfsOf: ReadonlyMap<string, readonly string[]>;
  readonly monitor: Record<string, unknown> & { kind: string };
  /** The longest a hypervisor duty may run late without a live hypervisor looking failed. */
  readonly slowToleranceNs: number;
  readonly linkRequestRetryNs: number;
  readonly config: Record<string, unknown>;
}

function drawMonitor(rng: Rng, catalog: Catalog): { monitor: DrawnSystem["monitor"]; slowToleranceNs: number } {
  const kinds = ["bmc", "heartbeat"].filter((k) => catalog.monitors.includes(k));
  const kind = kinds.length === 0 ? "bmc" : rng.pick(kinds);
  if (kind === "heartbeat") {
    const periodNs = rng.int(20, 200) * MS;
    const pollNs = rng.int(5, 50) * MS;
    const jitter = weighted(rng, [
      [{ kind: "none" }, 2],
      [{ kind: "uniform", maxNs: exactDuration(rng.int(1, Math.floor(periodNs / MS / 4)) * MS) }, 1],
      [{ kind: "exponential", meanNs: exactDuration(rng.int(100, 5000) * US) }, 1],
    ] as const);
    const missedPeriods = rng.int(3, 8);
    const fixed = rng.bool();
    const detector = fixed
      ? { kind: "fixed-timeout", missedPeriods }
      : { kind: "phi-accrual", threshold: rng.pick([8, 10, 12]) };
    const timeoutNs = fixed ? missedPeriods * periodNs : 3 * periodNs;
    return {
      monitor: {
        kind,
        periodNs: exactDuration(periodNs),
        pollNs: exactDuration(pollNs),
        channel: {
          latencyNs: exactDuration(rng.int(10, 500) * US),
          jitter,
          lossProbability: rng.pick([0, 0, 0.01, 0.05]),
        },
        detector,
      },
      slowToleranceNs: timeoutNs - periodNs - pollNs,
    };
  }
  const counterPeriodNs = rng.int(20, 200) * MS;
  const pollNs = rng.int(10, 200) * MS;
  const stallThresholdNs = counterPeriodNs + pollNs + rng.int(100, 800) * MS;
  return {
    monitor: {
      kind: "bmc",
      counterPeriodNs: exactDuration(counterPeriodNs),
      pollNs: exactDuration(pollNs),
      stallThresholdNs: exactDuration(stallThresholdNs),
    },
    // a late update stretches one interval between counter changes to period + delay, seen a poll late
    slowToleranceNs: stallThresholdNs - counterPeriodNs - pollNs,
  };
}

/** Guests 2..6, one or two NICs with at least a VF per guest, a monitor, a strategy, timing. */
export function drawSystem(rng: Rng, catalog: Catalog): DrawnSystem {
  const guestCount = rng.int(2, 6);
  const guests = Array.from({ length: guestCount }, (_, i) => `g${i + 1}`);
  const critical = rng.pick(guests);

  const nics: DrawnNic[] = Array.from({ length: rng.bool(0.25) ? 2 : 1 }, (_, i) => ({
    id: `nic${i}`,
    vfs: rng.int(guestCount, 16),
  }));
  const devices = nics.map((nic) => ({
    kind: "nic",
    id: nic.id,
    vfs: nic.vfs,
    linkSpeedBps: rng.pick(NIC_SPEEDS_BPS),
    lan: {
      latencyNs: exactDuration(rng.int(1, 20) * US),
      inboundFps: rng.bool(0.3) ? logInt(rng, 100, 3000) : 0,
      inboundFrameBytes: rng.int(60, 1500),
    },
  }));
  const vfsOf = new Map(guests.map((g, i) => [g, nics.map((nic) => `${nic.id}/pf0/vf${i + 1}`)]));

  const guestConfigs = guests.map((name) => {
    const isCritical = name === critical;
    const workloads: Record<string, unknown> = {};
    for (const nic of nics) {
      if (!isCritical && rng.bool(0.2)) {
        workloads[nic.id] = null;
        continue;
      }
      // well within the least bandwidth the faults can leave the VF, so a ring never backs up for good
      const frameBytes = rng.int(60, 1500);
      const leastBps = Math.min(NIC_SPEEDS_BPS[0] / nic.vfs, MIN_VF_ALLOCATION_BPS);
      const maxFps = Math.floor((0.4 * leastBps) / ((frameBytes + FRAME_OVERHEAD_BYTES) * 8));
      workloads[nic.id] = { rateFps: Math.min(maxFps, logInt(rng, 200, 5000)), frameBytes };
    }
    return {
      name,
      ...(isCritical ? { critical: true } : {}),
      ...(rng.bool(0.3) ? { rebootNs: exactDuration(rng.int(200, 1500) * MS) } : {}),
      workloads,
    };
  });

  const { monitor, slowToleranceNs } = drawMonitor(rng, catalog);
  const linkRequestRetryNs = rng.int(500, 5000) * US;
  const timing = {
    linkPollNs: exactDuration(rng.int(200, 5000) * US),
    linkReadLatencyNs: exactDuration(rng.int(10, 200) * US),
    mailboxLatencyNs: exactDuration(rng.int(5, 50) * US),
    txPollNs: exactDuration(rng.int(1, 5) * US),
    vfRxPollNs: exactDuration(rng.int(5, 50) * US),
    linkRequestRetryNs: exactDuration(linkRequestRetryNs),
    drainPollNs: exactDuration(rng.int(5, 50) * US),
    drainBoundNs: exactDuration(rng.int(20, 300) * MS),
    hypervisorRebootNs: exactDuration(rng.int(300, 2000) * MS),
    guestRebootNs: exactDuration(rng.int(200, 1500) * MS),
  };
  const strategies = ["rebuild-on-failover", "continuous-sync"];

  return {
    guests,
    critical,
    nics,
    vfsOf,
    monitor,
    slowToleranceNs,
    linkRequestRetryNs,
    config: {
      strategy: rng.pick(strategies),
      monitor,
      guests: guestConfigs,
      devices,
      ringSize: rng.pick([32, 64, 128, 256]),
      timing,
    },
  };
}

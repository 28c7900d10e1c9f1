import { MS, type Rng, US } from "@understudy/core";
import { exactDuration } from "../replay.js";
import type { Catalog } from "./catalog.js";
import { weighted } from "./draw.js";
import { DEVICE_DRAWERS, type DrawnDevice } from "./draw-devices.js";

/** The facts of a drawn system that the fault schedule is drawn against, times in ns. */
export interface DrawnSystem {
  readonly guests: readonly string[];
  readonly critical: string;
  readonly devices: readonly DrawnDevice[];
  /** guest -> its VF ids: VF i+1 of every PF for the i-th guest. */
  readonly vfsOf: ReadonlyMap<string, readonly string[]>;
  /** guest -> its VF ids that receive Ethernet frames. */
  readonly ethernetVfsOf: ReadonlyMap<string, readonly string[]>;
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

/** Guests 2..6; one or two devices (NIC, HBA, CNA), each with a VF per guest; a monitor, a strategy, timing. */
export function drawSystem(rng: Rng, catalog: Catalog): DrawnSystem {
  const guestCount = rng.int(2, 6);
  const guests = Array.from({ length: guestCount }, (_, i) => `g${i + 1}`);
  const critical = rng.pick(guests);

  const kinds = (
    [
      ["nic", 3],
      ["hba", 1],
      ["cna", 1],
    ] as const
  ).filter(([kind]) => catalog.devices.includes(kind));
  const perKind = new Map<string, number>();
  const devices = Array.from({ length: rng.bool(0.25) ? 2 : 1 }, () => {
    const kind = weighted(rng, kinds);
    const index = perKind.get(kind) ?? 0;
    perKind.set(kind, index + 1);
    return DEVICE_DRAWERS[kind](rng, `${kind}${index}`, guestCount);
  });
  const vfIds = (i: number, pfs: (d: DrawnDevice) => readonly string[]) =>
    devices.flatMap((d) => pfs(d).map((pf) => `${d.id}/${pf}/vf${i + 1}`));
  const vfsOf = new Map(guests.map((g, i) => [g, vfIds(i, (d) => d.pfs)]));
  const ethernetVfsOf = new Map(guests.map((g, i) => [g, vfIds(i, (d) => d.ethernetPfs)]));

  const guestConfigs = guests.map((name) => {
    const isCritical = name === critical;
    const workloads: Record<string, unknown> = {};
    for (const device of devices) workloads[device.id] = !isCritical && rng.bool(0.2) ? null : device.workload(rng);
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
    devices,
    vfsOf,
    ethernetVfsOf,
    monitor,
    slowToleranceNs,
    linkRequestRetryNs,
    config: {
      strategy: rng.pick(strategies),
      monitor,
      guests: guestConfigs,
      devices: devices.map((d) => d.entry),
      ringSize: rng.pick([32, 64, 128, 256]),
      timing,
    },
  };
}

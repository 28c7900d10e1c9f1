import { MS, type Rng, US } from "@understudy/core";
import { exactDuration } from "../replay.js";
import type { Catalog } from "./catalog.js";
import { durationIn, logDuration, logInt, weighted } from "./draw.js";
import { MIN_VF_ALLOCATION_BPS } from "./draw-devices.js";
import type { DrawnSystem } from "./draw-system.js";

/** A fault without its time: what `on-lifecycle` nests and what a schedule entry holds besides `at`. */
export type FaultDraw = { kind: string } & Record<string, unknown>;

const SECOND = 1000 * MS;

interface DrawContext {
  readonly rng: Rng;
  readonly system: DrawnSystem;
  readonly durationNs: number;
  readonly atNs: number;
}

/** Draws one fault of a kind, valid for the drawn system and inside the fault model. */
type Drawer = (ctx: DrawContext) => FaultDraw;

const others = (s: DrawnSystem) => s.guests.filter((g) => g !== s.critical);
/** The non-critical guests' Ethernet VFs: where an RX flood lands. */
const otherEthernetVfs = (s: DrawnSystem) => others(s).flatMap((g) => s.ethernetVfsOf.get(g) ?? []);
const allVfs = (s: DrawnSystem) => s.guests.flatMap((g) => s.vfsOf.get(g) ?? []);
/** Time left before the workloads stop, less a margin for what the fault sets in motion. */
const leftNs = (ctx: DrawContext) => Math.max(MS, ctx.durationNs - ctx.atNs - 50 * MS);

const crash: Drawer = ({ rng }) => ({ kind: "hypervisor-crash", scribble: rng.bool() });
const hang: Drawer = ({ rng }) =>
  rng.bool(0.6)
    ? { kind: "hypervisor-hang" }
    : { kind: "hypervisor-hang", forNs: logDuration(rng, 10 * MS, 1500 * MS) };
const cableFlap: Drawer = (ctx) => ({
  kind: "cable-flap",
  device: ctx.rng.pick(ctx.system.devices).id,
  forNs: logDuration(ctx.rng, MS, Math.min(500 * MS, leftNs(ctx))),
});
const linkSpeed: Drawer = ({ rng, system }) => {
  const device = rng.pick(system.devices);
  return { kind: "link-speed", device: device.id, speedBps: rng.pick(device.speedsBps) };
};
const guestFreeze: Drawer = ({ rng, system }) => ({
  kind: "guest-freeze",
  guest: rng.pick(others(system)),
  ...(rng.bool(0.3) ? {} : { forNs: logDuration(rng, MS, SECOND) }),
});
const rxFlood: Drawer = (ctx) => {
  const fps = logInt(ctx.rng, 50_000, 1_000_000);
  // at most ~20k frames: enough to fill any ring many times over, cheap to simulate
  const forNs = Math.min(Math.floor((20_000 / fps) * 1e9), leftNs(ctx));
  return {
    kind: "rx-flood",
    vf: ctx.rng.pick(otherEthernetVfs(ctx.system)),
    fps,
    forNs: durationIn(ctx.rng, Math.min(MS, forNs), forNs),
    frameBytes: ctx.rng.int(60, 1500),
  };
};
/** Second failures and failures timed against the failover's own steps. */
const onLifecycle: Drawer = (ctx) => {
  const { rng } = ctx;
  return weighted<() => FaultDraw>(rng, [
    // the restarted hypervisor fails again during failback
    [
      () => ({
        kind: "on-lifecycle",
        phase: rng.pick(["hypervisor-restarted", "failed-back"]),
        afterNs: logDuration(rng, US, SECOND),
        fault: rng.bool() ? crash(ctx) : hang(ctx),
      }),
      2,
    ],
    // a second failure during the failover (a hung hypervisor crashes outright)
    [
      () => ({
        kind: "on-lifecycle",
        phase: rng.pick(["failure-detected", "drain-started", "sub-pf-activated"]),
        afterNs: logDuration(rng, US, 50 * MS),
        fault: crash(ctx),
      }),
      1,
    ],
    // a non-critical guest stops consuming its rings just as the drain begins
    [() => ({ kind: "on-lifecycle", phase: "failure-detected", afterNs: 0, fault: guestFreeze(ctx) }), 2],
    // its rings are full when the drain begins
    [
      () => ({ kind: "on-lifecycle", phase: "failure-detected", afterNs: 0, fault: rxFlood(ctx) }),
      otherEthernetVfs(ctx.system).length > 0 ? 1 : 0,
    ],
    // the link changes between the failure and the takeover (the pending-interrupt trap)
    [
      () => ({
        kind: "on-lifecycle",
        phase: rng.pick(["failure-detected", "drain-completed", "sub-pf-activated"]),
        afterNs: logDuration(rng, US, 10 * MS),
        fault: rng.bool() ? cableFlap(ctx) : linkSpeed(ctx),
      }),
      1,
    ],
  ])();
};

/** Every fault kind the generator can draw: its drawer, weight, and whether it fits the system. */
const DRAWERS: readonly {
  kind: string;
  weight: number;
  fits?: (s: DrawnSystem) => boolean;
  draw: Drawer;
}[] = [
  { kind: "hypervisor-crash", weight: 3, draw: crash },
  { kind: "hypervisor-hang", weight: 2, draw: hang },
  {
    kind: "hypervisor-slow",
    weight: 1,
    fits: (s) => s.slowToleranceNs >= 4 * MS,
    draw: ({ rng, system }) => ({
      kind: "hypervisor-slow",
      forNs: logDuration(rng, 10 * MS, SECOND),
      delayNs: logDuration(rng, MS, Math.floor(0.7 * system.slowToleranceNs)),
    }),
  },
  { kind: "cable-flap", weight: 1, draw: cableFlap },
  { kind: "link-speed", weight: 1, draw: linkSpeed },
  {
    kind: "vf-allocation",
    weight: 1,
    draw: ({ rng, system }) => ({
      kind: "vf-allocation",
      vf: rng.pick(allVfs(system)),
      bps: rng.bool(0.3) ? null : logInt(rng, MIN_VF_ALLOCATION_BPS / 1e6, 10_000) * 1e6,
    }),
  },
  {
    kind: "bmc-read-errors",
    weight: 1,
    fits: (s) => s.monitor.kind === "bmc",
    draw: ({ rng }) => ({ kind: "bmc-read-errors", count: rng.int(1, 20) }),
  },
  { kind: "guest-freeze", weight: 1, fits: (s) => others(s).length > 0, draw: guestFreeze },
  {
    // Only a loss the VF driver recovers from by its retry (Fig 14 step 1302 re-sent): one lost
    // request or answer. A lost interrupt notification or 130A update is never re-sent, so it
    // leaves a stale link state by design of the emulated interface (the fault tests show it).
    kind: "mailbox-loss",
    weight: 1,
    draw: ({ rng, system }) => ({
      kind: "mailbox-loss",
      channel: rng.pick(allVfs(system)),
      count: 1,
      types: rng.pick([["link-read"], ["link-state"], ["link-read", "link-state"]]),
    }),
  },
  {
    kind: "mailbox-delay",
    weight: 1,
    draw: (ctx) => ({
      kind: "mailbox-delay",
      ...(ctx.rng.bool(0.5) ? {} : { channel: ctx.rng.pick(allVfs(ctx.system)) }),
      forNs: logDuration(ctx.rng, MS, Math.min(500 * MS, leftNs(ctx))),
      delayNs: logDuration(ctx.rng, US, Math.max(US, Math.floor(ctx.system.linkRequestRetryNs / 4))),
    }),
  },
  { kind: "rx-flood", weight: 1, fits: (s) => otherEthernetVfs(s).length > 0, draw: rxFlood },
  { kind: "on-lifecycle", weight: 3, fits: (s) => others(s).length > 0, draw: onLifecycle },
  {
    kind: "heartbeat-loss",
    weight: 1,
    fits: (s) => s.monitor.kind === "heartbeat",
    draw: ({ rng }) => ({ kind: "heartbeat-loss", forNs: logDuration(rng, 10 * MS, SECOND) }),
  },
];

/** The fault kinds the generator can draw. */
export const DRAWABLE_FAULTS: readonly string[] = DRAWERS.map((d) => d.kind);

/**
 * 0 to 4 faults at times in [4 %, 90 %] of the duration (0.2 s to 4.5 s of a 5 s run), sorted by
 * time, each valid for the system and within the fault model the invariants assume.
 */
export function drawFaults(rng: Rng, system: DrawnSystem, catalog: Catalog, durationNs: number) {
  const candidates = DRAWERS.filter((d) => catalog.faults.includes(d.kind) && (d.fits?.(system) ?? true));
  const count = weighted(rng, [
    [0, 1],
    [1, 3.5],
    [2, 2.5],
    [3, 1.5],
    [4, 1.5],
  ]);
  if (candidates.length === 0) return [];
  const faults: ({ at: string; atNs: number } & FaultDraw)[] = [];
  for (let i = 0; i < count; i++) {
    const drawer = weighted(
      rng,
      candidates.map((d) => [d, d.weight] as const),
    );
    const atNs = rng.int(Math.ceil((0.04 * durationNs) / US), Math.floor((0.9 * durationNs) / US)) * US;
    const fault = drawer.draw({ rng, system, durationNs, atNs });
    faults.push({ at: exactDuration(atNs), atNs, ...fault });
  }
  return faults.sort((a, b) => a.atNs - b.atNs).map(({ atNs: _atNs, ...rest }) => rest);
}

import { type Rng, US } from "@understudy/core";
import { exactDuration } from "../replay.js";
import { logInt } from "./draw.js";

const GBPS = 1e9;
/** The least bandwidth a vf-allocation fault gives a VF. */
export const MIN_VF_ALLOCATION_BPS = 500e6;
/** Ethernet preamble, header, FCS and gap around a payload, near enough for a bandwidth budget. */
const FRAME_OVERHEAD_BYTES = 64;
/** The block size of the HBA's and the CNA's default LUNs. */
const BLOCK_BYTES = 4096;
/** A workload uses at most this share of the least bandwidth the faults can leave its VF. */
const BUDGET = 0.4;

/** A drawn device: its configuration, and the facts the guests' workloads and the faults need. */
export interface DrawnDevice {
  readonly id: string;
  readonly kind: string;
  /** PF names in order; guest i gets VF i+1 of each. */
  readonly pfs: readonly string[];
  /** PFs whose VFs receive Ethernet frames (an RX flood's targets). */
  readonly ethernetPfs: readonly string[];
  /** Speeds the port starts at or renegotiates to (link-speed faults draw among them). */
  readonly speedsBps: readonly number[];
  readonly entry: Record<string, unknown>;
  /** A workload for one guest, within the bandwidth the faults can leave its VFs. */
  workload(rng: Rng): Record<string, unknown>;
}

/** Frames per second of `frameBytes` within `bps`. */
const echo = (rng: Rng, bps: number) => {
  const frameBytes = rng.int(60, 1500);
  const maxFps = Math.max(1, Math.floor((BUDGET * bps) / ((frameBytes + FRAME_OVERHEAD_BYTES) * 8)));
  return { rateFps: Math.min(maxFps, logInt(rng, 200, 5000)), frameBytes };
};

/** Block commands (writes and their read-backs) within `bps`. */
const block = (rng: Rng, bps: number) => {
  const blocksPerCommand = rng.int(1, 16);
  const maxIops = Math.max(1, Math.floor((BUDGET * bps) / (blocksPerCommand * BLOCK_BYTES * 8)));
  return {
    rateIops: Math.min(maxIops, logInt(rng, 100, 2000)),
    queueDepth: rng.int(1, 16),
    blocksPerCommand,
    regionBlocks: rng.int(64, 4096),
  };
};

const lan = (rng: Rng) => ({
  latencyNs: exactDuration(rng.int(1, 20) * US),
  inboundFps: rng.bool(0.3) ? logInt(rng, 100, 3000) : 0,
  inboundFrameBytes: rng.int(60, 1500),
});

const NIC_SPEEDS_BPS = [1 * GBPS, 10 * GBPS, 25 * GBPS];
const FC_SPEEDS_BPS = [8 * GBPS, 16 * GBPS, 32 * GBPS];
const CNA_SPEEDS_BPS = [10 * GBPS, 25 * GBPS];

/** Device kinds the generator can draw, each with at least `guests` VFs per PF. */
export const DEVICE_DRAWERS: Record<string, (rng: Rng, id: string, guests: number) => DrawnDevice> = {
  nic: (rng, id, guests) => {
    const vfs = rng.int(guests, 16);
    const least = Math.min(NIC_SPEEDS_BPS[0] / vfs, MIN_VF_ALLOCATION_BPS);
    return {
      id,
      kind: "nic",
      pfs: ["pf0"],
      ethernetPfs: ["pf0"],
      speedsBps: NIC_SPEEDS_BPS,
      entry: { kind: "nic", id, vfs, linkSpeedBps: rng.pick(NIC_SPEEDS_BPS), lan: lan(rng) },
      workload: (r) => echo(r, least),
    };
  },
  hba: (rng, id, guests) => {
    const vfs = rng.int(guests, 16);
    const least = Math.min(FC_SPEEDS_BPS[0] / vfs, MIN_VF_ALLOCATION_BPS);
    return {
      id,
      kind: "hba",
      pfs: ["pf0"],
      ethernetPfs: [],
      speedsBps: FC_SPEEDS_BPS,
      entry: {
        kind: "hba",
        id,
        vfs,
        linkSpeedBps: rng.pick(FC_SPEEDS_BPS),
        san: { fabricLatencyNs: exactDuration(rng.int(1, 10) * US) },
        target: {
          readLatencyNs: exactDuration(rng.int(20, 200) * US),
          writeLatencyNs: exactDuration(rng.int(10, 100) * US),
        },
      },
      workload: (r) => block(r, least),
    };
  },
  cna: (rng, id, guests) => {
    const ethVfs = rng.int(guests, 12);
    const fcoeVfs = rng.int(guests, 12);
    const lanPercent = rng.int(20, 80);
    const share = Math.min(lanPercent, 100 - lanPercent) / 100;
    const least = Math.min((CNA_SPEEDS_BPS[0] * share) / Math.max(ethVfs, fcoeVfs), MIN_VF_ALLOCATION_BPS);
    return {
      id,
      kind: "cna",
      pfs: ["eth", "fcoe"],
      ethernetPfs: ["eth"],
      speedsBps: CNA_SPEEDS_BPS,
      entry: {
        kind: "cna",
        id,
        linkSpeedBps: rng.pick(CNA_SPEEDS_BPS),
        ethVfs,
        fcoeVfs,
        ets: { lanPercent, sanPercent: 100 - lanPercent },
        lan: lan(rng),
      },
      workload: (r) => ({ eth: echo(r, least), fcoe: block(r, least) }),
    };
  },
};

/** Virtual time is an integer count of nanoseconds. */
export type Nanos = number;

export const NS = 1;
export const US = 1_000;
export const MS = 1_000_000;
export const SEC = 1_000_000_000;

const UNIT_NS: Record<string, number> = { ns: NS, us: US, µs: US, ms: MS, s: SEC };

/** Parses "2s", "100ms", "50us", "750ns" or a plain integer of nanoseconds. */
export function parseDuration(text: string | number): Nanos | undefined {
  if (typeof text === "number") return Number.isSafeInteger(text) && text >= 0 ? text : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)?\s*$/.exec(text);
  if (!match) return undefined;
  const value = Math.round(Number(match[1]) * UNIT_NS[match[2] ?? "ns"]);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Human-readable duration with the largest unit that keeps it exact to 3 decimals. */
export function formatDuration(ns: Nanos): string {
  const abs = Math.abs(ns);
  if (abs >= SEC) return `${trim(ns / SEC)} s`;
  if (abs >= MS) return `${trim(ns / MS)} ms`;
  if (abs >= US) return `${trim(ns / US)} us`;
  return `${ns} ns`;
}

function trim(value: number): string {
  return Number(value.toFixed(3)).toString();
}

const RATE_UNITS: Record<string, number> = { bps: 1, kbps: 1e3, mbps: 1e6, gbps: 1e9 };

/** Parses "10Gbps", "2500Mbps" or a plain number of bits per second. */
export function parseBandwidth(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isSafeInteger(text) && text >= 0 ? text : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?bps)?\s*$/i.exec(text);
  if (!match) return undefined;
  const value = Math.round(Number(match[1]) * RATE_UNITS[(match[2] ?? "bps").toLowerCase()]);
  return Number.isSafeInteger(value) ? value : undefined;
}

export function formatBandwidth(bps: number): string {
  if (bps >= 1e9) return `${trim(bps / 1e9)} Gb/s`;
  if (bps >= 1e6) return `${trim(bps / 1e6)} Mb/s`;
  return `${bps} b/s`;
}

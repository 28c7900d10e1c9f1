import { z } from "zod";
import { parseBandwidth, parseDuration } from "../sim/time.js";

/** A duration: "2s", "100ms", "50us", "750ns" or an integer of nanoseconds. Parsed to ns. */
export const duration = () =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ns = parseDuration(value);
    if (ns === undefined) {
      ctx.addIssue({
        code: "custom",
        message: 'a duration such as "2s", "100ms", "50us", "750ns" or integer nanoseconds',
      });
      return z.NEVER;
    }
    return ns;
  });

/** A positive duration. */
export const positiveDuration = () => duration().refine((ns) => ns > 0, { message: "a duration greater than zero" });

/** A bandwidth: "10Gbps", "2500Mbps" or an integer of bits per second. */
export const bandwidth = () =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const bps = parseBandwidth(value);
    if (bps === undefined || bps <= 0) {
      ctx.addIssue({ code: "custom", message: 'a bandwidth such as "10Gbps", "2500Mbps" or integer bits per second' });
      return z.NEVER;
    }
    return bps;
  });

const BYTE_UNITS: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** A size: "8MiB", "64KiB" or an integer of bytes. */
export const byteSize = () =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    let bytes: number | undefined;
    if (typeof value === "number") bytes = Number.isSafeInteger(value) ? value : undefined;
    else {
      const m = /^\s*(\d+)\s*(B|KiB|MiB|GiB)?\s*$/i.exec(value);
      if (m) bytes = Number(m[1]) * BYTE_UNITS[(m[2] ?? "b").toLowerCase()];
    }
    if (bytes === undefined || bytes <= 0) {
      ctx.addIssue({ code: "custom", message: 'a size such as "8MiB", "64KiB" or integer bytes' });
      return z.NEVER;
    }
    return bytes;
  });

import { MS, Rng, Scheduler } from "@understudy/core";
import { describe, expect, test } from "vitest";
import { HeartbeatChannel } from "./heartbeat-channel.js";
import { type ChannelOptions, channelSchema } from "./options.js";

/** Send one heartbeat per period for `count` periods; returns each one's arrival, or undefined if lost. */
function sendPeriodic(options: Partial<ChannelOptions> | object, count: number, periodNs = 100 * MS) {
  const scheduler = new Scheduler();
  const channel = new HeartbeatChannel(scheduler, channelSchema.parse(options), new Rng(7));
  const arrivals: (number | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    scheduler.at(i * periodNs, () => {
      arrivals[i] = undefined;
      channel.send(() => {
        arrivals[i] = scheduler.now;
      });
    });
  }
  scheduler.runUntilIdle();
  return { arrivals, channel };
}

describe("heartbeat channel", () => {
  test("delivers after the latency when there is no jitter", () => {
    const { arrivals } = sendPeriodic({ latencyNs: "2ms" }, 3);
    expect(arrivals).toEqual([2 * MS, 102 * MS, 202 * MS]);
  });

  test("uniform jitter stays within [latency, latency + max]", () => {
    const { arrivals } = sendPeriodic({ latencyNs: "1ms", jitter: { kind: "uniform", maxNs: "30ms" } }, 1000);
    const delays = arrivals.map((a, i) => (a as number) - i * 100 * MS);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1 * MS);
    expect(Math.max(...delays)).toBeLessThanOrEqual(31 * MS);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(25 * MS);
  });

  test("normal jitter has the configured standard deviation", () => {
    const { arrivals } = sendPeriodic(
      { latencyNs: "100ms", jitter: { kind: "normal", stdDevNs: "20ms" } },
      5000,
      1000 * MS,
    );
    const delays = arrivals.map((a, i) => (a as number) - i * 1000 * MS);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    const std = Math.sqrt(delays.reduce((a, d) => a + (d - mean) ** 2, 0) / delays.length);
    expect(mean / MS).toBeCloseTo(100, 0);
    expect(std / MS).toBeGreaterThan(19);
    expect(std / MS).toBeLessThan(21);
  });

  test("is FIFO: with a long-tailed jitter heartbeats bunch up but never overtake", () => {
    const { arrivals } = sendPeriodic({ jitter: { kind: "exponential", meanNs: "150ms" } }, 2000);
    const times = arrivals as number[];
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    // without FIFO some would have overtaken: bunching is visible as equal arrival times
    expect(times.some((t, i) => i > 0 && t === times[i - 1])).toBe(true);
  });

  test("loses each heartbeat with the loss probability", () => {
    const { channel } = sendPeriodic({ lossProbability: 0.1 }, 10_000);
    expect(channel.lost).toBeGreaterThan(900);
    expect(channel.lost).toBeLessThan(1100);
    expect(channel.delivered + channel.lost).toBe(10_000);
  });

  test("loss bursts lose runs of consecutive heartbeats", () => {
    const { arrivals, channel } = sendPeriodic({ lossBurst: { probability: 0.01, meanLengthNs: "1s" } }, 20_000);
    const runs: number[] = [];
    let run = 0;
    for (const a of arrivals) {
      if (a === undefined) run++;
      else if (run > 0) {
        runs.push(run);
        run = 0;
      }
    }
    // a burst of mean 1 s at one heartbeat per 100 ms: about 10 heartbeats lost in a row
    const meanRun = runs.reduce((a, b) => a + b, 0) / runs.length;
    expect(meanRun).toBeGreaterThan(8);
    expect(meanRun).toBeLessThan(13);
    expect(channel.lost).toBe(runs.reduce((a, b) => a + b, 0) + run);
  });

  test("a cut loses every heartbeat sent during it, and only those", () => {
    const scheduler = new Scheduler();
    const channel = new HeartbeatChannel(scheduler, channelSchema.parse({}), new Rng(1));
    let delivered = 0;
    scheduler.at(250 * MS, () => channel.cut(300 * MS));
    scheduler.every(100 * MS, () => channel.send(() => delivered++), { firstNs: 0 });
    scheduler.runUntil(950 * MS);
    expect(channel.sent).toBe(10);
    expect(channel.lost).toBe(3); // sent at 300, 400 and 500 ms
    expect(delivered).toBe(7);
  });
});

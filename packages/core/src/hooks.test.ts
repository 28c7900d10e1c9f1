import { describe, expect, test } from "vitest";
import { createSystemHooks } from "./hooks.js";

describe("system hooks", () => {
  test("taps run in stage order, and in tap order within a stage", () => {
    const hooks = createSystemHooks();
    const order: string[] = [];
    hooks.failureDetected.tap({ name: "late", stage: 10 }, () => order.push("late"));
    hooks.failureDetected.tap("default-a", () => order.push("default-a"));
    hooks.failureDetected.tap({ name: "early", stage: -5 }, () => order.push("early"));
    hooks.failureDetected.tap({ name: "default-b", stage: 0 }, () => order.push("default-b"));
    hooks.failureDetected.call({ detector: "bmc", reason: "counter stalled" });
    expect(order).toEqual(["early", "default-a", "default-b", "late"]);
  });

  test("a tap with `before` runs ahead of the named tap", () => {
    const hooks = createSystemHooks();
    const order: string[] = [];
    hooks.drainStarted.tap("checker", () => order.push("checker"));
    hooks.drainStarted.tap("recorder", () => order.push("recorder"));
    hooks.drainStarted.tap({ name: "tracer", before: "recorder" }, () => order.push("tracer"));
    hooks.drainStarted.call();
    expect(order).toEqual(["checker", "tracer", "recorder"]);
  });

  test("every tap receives the hook's argument", () => {
    const hooks = createSystemHooks();
    const seen: unknown[] = [];
    hooks.forcedStopSent.tap("a", (event) => seen.push(event));
    hooks.forcedStopSent.tap("b", (event) => seen.push(event.guest));
    hooks.forcedStopSent.call({ guest: "g2" });
    expect(seen).toEqual([{ guest: "g2" }, "g2"]);
  });

  test("shouldFailover stops at the first tap that returns a verdict", () => {
    const hooks = createSystemHooks();
    const asked: string[] = [];
    hooks.shouldFailover.tap("undecided", () => {
      asked.push("undecided");
      return undefined;
    });
    hooks.shouldFailover.tap("veto", () => {
      asked.push("veto");
      return false;
    });
    hooks.shouldFailover.tap("never asked", () => {
      asked.push("never asked");
      return true;
    });
    expect(hooks.shouldFailover.call({ detector: "bmc", reason: "test" })).toBe(false);
    expect(asked).toEqual(["undecided", "veto"]);
  });

  test("the hook surface is frozen, and each call to createSystemHooks gives new hooks", () => {
    const a = createSystemHooks();
    const b = createSystemHooks();
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => {
      (a as Record<string, unknown>).extra = 1;
    }).toThrow(TypeError);
    let calls = 0;
    a.started.tap("only a", () => calls++);
    b.started.call();
    expect(calls).toBe(0);
  });
});

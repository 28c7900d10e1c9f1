import { describe, expect, test } from "vitest";
import { awaitCallback, type Process, pollUntil, sleep, spawn } from "./process.js";
import { Scheduler } from "./scheduler.js";

/** Spawns `process` and records when it finished and with what. */
function run<T>(scheduler: Scheduler, process: Process<T>) {
  const result: { doneAtNs?: number; value?: T } = {};
  spawn(scheduler, process, (value) => {
    result.doneAtNs = scheduler.now;
    result.value = value;
  });
  return result;
}

describe("pollUntil", () => {
  test("returns true at the first poll at or after the condition came true", () => {
    const scheduler = new Scheduler();
    let ready = false;
    scheduler.at(137, () => {
      ready = true;
    });
    scheduler.runUntil(100);
    const polls: number[] = [];
    const result = run(
      scheduler,
      pollUntil(
        scheduler,
        () => {
          polls.push(scheduler.now);
          return ready;
        },
        10,
        1000,
      ),
    );
    scheduler.runUntilIdle();
    expect(polls).toEqual([100, 110, 120, 130, 140]);
    expect(result).toEqual({ doneAtNs: 140, value: true });
  });

  test("returns false exactly at the timeout, shortening the last sleep to meet it", () => {
    const scheduler = new Scheduler();
    const polls: number[] = [];
    const result = run(
      scheduler,
      pollUntil(
        scheduler,
        () => {
          polls.push(scheduler.now);
          return false;
        },
        30,
        100,
      ),
    );
    scheduler.runUntilIdle();
    expect(polls).toEqual([0, 30, 60, 90, 100]);
    expect(result).toEqual({ doneAtNs: 100, value: false });
  });

  test("a condition that holds at the deadline still counts as success", () => {
    const scheduler = new Scheduler();
    const result = run(
      scheduler,
      pollUntil(scheduler, () => scheduler.now >= 100, 30, 100),
    );
    scheduler.runUntilIdle();
    expect(result).toEqual({ doneAtNs: 100, value: true });
  });

  test("a condition that already holds returns at once, without scheduling anything", () => {
    const scheduler = new Scheduler();
    const result = run(
      scheduler,
      pollUntil(scheduler, () => true, 10, 100),
    );
    expect(result).toEqual({ doneAtNs: 0, value: true });
    expect(scheduler.stats.pending).toBe(0);
  });
});

describe("spawn", () => {
  test("a process runs synchronously until its first wait, then one step per wake-up", () => {
    const scheduler = new Scheduler();
    const steps: string[] = [];
    run(
      scheduler,
      (function* () {
        steps.push(`start@${scheduler.now}`);
        yield sleep(50);
        steps.push(`after sleep@${scheduler.now}`);
        yield sleep(0);
        steps.push(`after zero sleep@${scheduler.now}`);
      })(),
    );
    expect(steps).toEqual(["start@0"]);
    scheduler.runUntilIdle();
    expect(steps).toEqual(["start@0", "after sleep@50", "after zero sleep@50"]);
  });

  test("awaitCallback resumes the process with the value its callback was called with", () => {
    const scheduler = new Scheduler();
    const result = run(
      scheduler,
      (function* () {
        const reply: string = yield* awaitCallback<string>((resume) => scheduler.after(20, () => resume("pong")));
        return `${reply}@${scheduler.now}`;
      })(),
    );
    scheduler.runUntilIdle();
    expect(result).toEqual({ doneAtNs: 20, value: "pong@20" });
  });

  test("cancel runs the process's finally blocks, skips onDone, and ignores a late callback", () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    let lateResume: ((value: unknown) => void) | undefined;
    const handle = spawn(
      scheduler,
      (function* () {
        try {
          yield {
            until: (resume: (value?: unknown) => void) => {
              lateResume = resume;
            },
          };
          log.push("resumed");
        } finally {
          log.push(`finally@${scheduler.now}`);
        }
      })(),
      () => log.push("done"),
    );
    scheduler.runUntil(30);
    handle.cancel();
    expect(handle.done).toBe(true);
    lateResume?.("too late");
    expect(log).toEqual(["finally@30"]);
  });

  test("an error thrown by the process goes to onError", () => {
    const scheduler = new Scheduler();
    const errors: unknown[] = [];
    spawn(
      scheduler,
      (function* () {
        yield sleep(5);
        throw new Error("step failed");
      })(),
      undefined,
      (error) => errors.push(error),
    );
    scheduler.runUntilIdle();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("step failed");
  });
});

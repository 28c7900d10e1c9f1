import type { Scheduler } from "./scheduler.js";
import type { Nanos } from "./time.js";

/**
 * What a simulated process may wait for: a delay, or a callback that some component calls later
 * (a device's reply, a mailbox answer). Processes are generators so that a multi-step procedure
 * such as the failover of Fig 18 reads as a straight line of steps.
 */
export type Wait = { readonly sleepNs: Nanos } | { readonly until: (resume: (value?: unknown) => void) => void };

export type Process<T = void> = Generator<Wait, T, unknown>;

export function sleep(ns: Nanos): Wait {
  return { sleepNs: ns };
}

/** Wait for a callback-style operation, e.g. `yield* awaitCallback(cb => lou.read(cb))`. */
export function* awaitCallback<T>(start: (resume: (value: T) => void) => void): Process<T> {
  return (yield { until: start as (resume: (value?: unknown) => void) => void }) as T;
}

/**
 * Poll `condition` every `periodNs` until it holds or `timeoutNs` has passed. Returns whether it held.
 */
export function* pollUntil(
  scheduler: Scheduler,
  condition: () => boolean,
  periodNs: Nanos,
  timeoutNs: Nanos,
): Process<boolean> {
  const deadline = scheduler.now + timeoutNs;
  for (;;) {
    if (condition()) return true;
    if (scheduler.now >= deadline) return false;
    yield sleep(Math.min(periodNs, deadline - scheduler.now));
  }
}

export interface ProcessHandle {
  /** Stop at the next wait; the generator's `finally` blocks run. */
  cancel(): void;
  readonly done: boolean;
}

/** Drive a process on the scheduler, starting now (synchronously, until its first wait). */
export function spawn<T>(
  scheduler: Scheduler,
  process: Process<T>,
  onDone?: (value: T) => void,
  onError?: (error: unknown) => void,
): ProcessHandle {
  let done = false;
  let cancelled = false;
  let token = 0;
  const step = (input: unknown): void => {
    if (done) return;
    let result: IteratorResult<Wait, T>;
    try {
      result = cancelled ? process.return(undefined as T) : process.next(input);
    } catch (error) {
      done = true;
      if (onError) onError(error);
      else throw error;
      return;
    }
    if (result.done) {
      done = true;
      if (!cancelled) onDone?.(result.value);
      return;
    }
    const wait = result.value;
    const mine = ++token;
    if ("sleepNs" in wait) {
      scheduler.after(wait.sleepNs, () => step(undefined));
    } else {
      wait.until((value) => {
        if (mine === token) step(value);
      });
    }
  };
  step(undefined);
  return {
    cancel() {
      if (done) return;
      cancelled = true;
      token++;
      step(undefined);
    },
    get done() {
      return done;
    },
  };
}

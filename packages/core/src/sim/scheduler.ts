import { SimulationError } from "../errors.js";
import type { Nanos } from "./time.js";

/**
 * Events at one instant run in two lanes: every normal event first, then the pollers. A poller
 * therefore observes everything that happened at its instant, which is what lets an idle poller
 * be parked and woken without changing what it would have observed (DESIGN.md: elided pollers).
 */
export type Lane = "normal" | "poll";

/** A handle on something scheduled: cancel it, or ask whether it will still run. */
export interface Cancellable {
  cancel(): void;
  readonly active: boolean;
}

class Bucket {
  readonly normal: Entry[] = [];
  readonly poll: Entry[] = [];
  constructor(readonly time: Nanos) {}
}

interface Entry {
  /** Runs the entry; a periodic entry reschedules itself from here. */
  fire(): void;
  cancelled: boolean;
}

class OneShot implements Entry, Cancellable {
  cancelled = false;
  constructor(private readonly fn: () => void) {}
  fire(): void {
    this.cancelled = true;
    this.fn();
  }
  cancel(): void {
    this.cancelled = true;
  }
  get active(): boolean {
    return !this.cancelled;
  }
}

/**
 * A task on a fixed grid `firstNs + k * periodNs`; the k-th run is computed, never accumulated,
 * so it cannot drift.
 */
export class PeriodicTask implements Entry, Cancellable {
  cancelled = false;
  private k = 0;
  private queued = false;
  private running = false;
  private parkRequested = false;
  private lastRunNs = -1;

  constructor(
    private readonly scheduler: Scheduler,
    readonly firstNs: Nanos,
    readonly periodNs: Nanos,
    readonly lane: Lane,
    private readonly fn: (task: PeriodicTask) => void,
  ) {}

  /** Time of the next run, or undefined if parked or cancelled. */
  get nextNs(): Nanos | undefined {
    return this.queued && !this.cancelled ? this.firstNs + this.k * this.periodNs : undefined;
  }

  get active(): boolean {
    return !this.cancelled;
  }

  get parked(): boolean {
    return !this.queued && !this.running && !this.cancelled;
  }

  /** @internal */
  start(): void {
    this.k = 0;
    this.enqueue();
  }

  fire(): void {
    this.queued = false;
    this.running = true;
    this.parkRequested = false;
    this.lastRunNs = this.scheduler.now;
    try {
      this.fn(this);
    } finally {
      this.running = false;
    }
    if (!this.cancelled && !this.parkRequested) {
      this.k++;
      this.enqueue();
    }
  }

  /**
   * Stop running until `wake()`. Called by the task itself when it found nothing to do; whoever
   * later gives it work wakes it.
   */
  park(): void {
    if (!this.running) {
      throw new SimulationError(
        "SCHEDULER_PARK_OUTSIDE_RUN",
        "a periodic task can only park itself, from inside its own run",
      );
    }
    this.parkRequested = true;
  }

  /**
   * Resume on the first grid tick at or after now that the task has not already run at: the tick
   * at which an unparked poller would first have seen the new work.
   */
  wake(): void {
    if (this.cancelled || this.queued) return;
    if (this.running) {
      this.parkRequested = false;
      return;
    }
    const minNs = Math.max(this.scheduler.now, this.lastRunNs + 1, this.firstNs);
    this.k = Math.ceil((minNs - this.firstNs) / this.periodNs);
    this.enqueue();
  }

  cancel(): void {
    this.cancelled = true;
  }

  private enqueue(): void {
    this.queued = true;
    this.scheduler.enqueue(this.firstNs + this.k * this.periodNs, this, this.lane);
  }
}

export interface SchedulerStats {
  readonly executed: number;
  readonly pending: number;
}

/**
 * Discrete-event scheduler over virtual nanoseconds. Events run in (time, lane, insertion) order.
 * Storage is a calendar: one bucket per distinct instant (FIFO per lane) and a binary heap of the
 * instants, so the heap is touched once per instant rather than once per event.
 */
export class Scheduler {
  private nowNs: Nanos = 0;
  private readonly buckets = new Map<Nanos, Bucket>();
  private readonly heap: Nanos[] = [];
  private executedCount = 0;
  private stopRequested = false;
  /** Called after every event; the tracer uses it. Kept as a plain field so the hot path stays cheap. */
  onEvent: ((timeNs: Nanos) => void) | undefined = undefined;

  get now(): Nanos {
    return this.nowNs;
  }

  get stats(): SchedulerStats {
    let pending = 0;
    for (const bucket of this.buckets.values()) {
      for (const e of bucket.normal) if (!e.cancelled) pending++;
      for (const e of bucket.poll) if (!e.cancelled) pending++;
    }
    return { executed: this.executedCount, pending };
  }

  get executed(): number {
    return this.executedCount;
  }

  /** Run `fn` once at absolute time `atNs`. */
  at(atNs: Nanos, fn: () => void, lane: Lane = "normal"): Cancellable {
    const entry = new OneShot(fn);
    this.enqueue(atNs, entry, lane);
    return entry;
  }

  /** Run `fn` once, `delayNs` from now. */
  after(delayNs: Nanos, fn: () => void, lane: Lane = "normal"): Cancellable {
    return this.at(this.nowNs + delayNs, fn, lane);
  }

  /** Run `fn` every `periodNs`, first at `firstNs` (default: one period from now). */
  every(
    periodNs: Nanos,
    fn: (task: PeriodicTask) => void,
    options: { firstNs?: Nanos; lane?: Lane } = {},
  ): PeriodicTask {
    if (!Number.isSafeInteger(periodNs) || periodNs <= 0) {
      throw new SimulationError("SCHEDULER_BAD_PERIOD", `period must be a positive integer of ns, got ${periodNs}`);
    }
    const task = new PeriodicTask(
      this,
      options.firstNs ?? this.nowNs + periodNs,
      periodNs,
      options.lane ?? "normal",
      fn,
    );
    task.start();
    return task;
  }

  /** @internal used by tasks to (re)enter the calendar. */
  enqueue(atNs: Nanos, entry: Entry, lane: Lane): void {
    if (!Number.isSafeInteger(atNs) || atNs < this.nowNs) {
      throw new SimulationError(
        "SCHEDULER_PAST_EVENT",
        `cannot schedule at ${atNs} ns: time must be an integer no earlier than now (${this.nowNs} ns)`,
      );
    }
    let bucket = this.buckets.get(atNs);
    if (bucket === undefined) {
      bucket = new Bucket(atNs);
      this.buckets.set(atNs, bucket);
      this.heapPush(atNs);
    }
    (lane === "normal" ? bucket.normal : bucket.poll).push(entry);
  }

  /** Stop the current run after the event in progress. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Run every event with time <= untilNs, then set the clock to untilNs. Returns events executed. */
  runUntil(untilNs: Nanos): number {
    const before = this.executedCount;
    this.stopRequested = false;
    while (this.heap.length > 0 && this.heap[0] <= untilNs && !this.stopRequested) {
      this.runInstant(undefined);
    }
    if (!this.stopRequested && untilNs > this.nowNs) this.nowNs = untilNs;
    return this.executedCount - before;
  }

  /** Run for `durationNs` of virtual time from now. */
  runFor(durationNs: Nanos): number {
    return this.runUntil(this.nowNs + durationNs);
  }

  /** Run until nothing is scheduled (or `limitNs` is reached, if given). */
  runUntilIdle(limitNs: Nanos = Number.MAX_SAFE_INTEGER): number {
    const before = this.executedCount;
    this.stopRequested = false;
    while (this.heap.length > 0 && this.heap[0] <= limitNs && !this.stopRequested) {
      this.runInstant(undefined);
    }
    return this.executedCount - before;
  }

  /** Run until `predicate()` holds after an event, or `limitNs`. Returns whether it held. */
  runUntilTrue(predicate: () => boolean, limitNs: Nanos = Number.MAX_SAFE_INTEGER): boolean {
    this.stopRequested = false;
    if (predicate()) return true;
    while (this.heap.length > 0 && this.heap[0] <= limitNs && !this.stopRequested) {
      if (this.runInstant(predicate)) return true;
    }
    return predicate();
  }

  /** Runs one instant; with a predicate, stops inside the instant as soon as it holds. */
  private runInstant(predicate: (() => boolean) | undefined): boolean {
    const time = this.heap[0];
    const bucket = this.buckets.get(time) as Bucket;
    this.nowNs = time;
    const { normal, poll } = bucket;
    let ni = 0;
    let pi = 0;
    const onEvent = this.onEvent;
    try {
      for (;;) {
        let entry: Entry;
        if (ni < normal.length) entry = normal[ni++];
        else if (pi < poll.length) entry = poll[pi++];
        else break;
        if (entry.cancelled) continue;
        entry.fire();
        this.executedCount++;
        if (onEvent !== undefined) onEvent(time);
        if (this.stopRequested || predicate?.()) {
          normal.splice(0, ni);
          poll.splice(0, pi);
          ni = pi = 0;
          if (normal.length + poll.length > 0) return true;
          break;
        }
      }
    } catch (error) {
      // leave the calendar consistent so the caller may inspect the system after a failure
      normal.splice(0, ni);
      poll.splice(0, pi);
      if (normal.length + poll.length === 0) this.retire(time);
      throw error;
    }
    this.retire(time);
    return predicate?.() === true;
  }

  private retire(time: Nanos): void {
    this.buckets.delete(time);
    this.heapPop();
  }

  private heapPush(value: Nanos): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= value) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = value;
  }

  private heapPop(): void {
    const heap = this.heap;
    const last = heap.pop() as Nanos;
    const n = heap.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && heap[right] < heap[left] ? right : left;
      if (heap[child] >= last) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
  }
}

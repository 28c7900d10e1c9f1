import type { Scheduler, VirtualFunction } from "@understudy/core";

/** A traffic class of the port and its guaranteed share of the bandwidth (802.1Qaz ETS). */
export interface TrafficClassSpec {
  readonly name: string;
  /** Percent of the port guaranteed to the class; the shares of a port add up to 100. */
  readonly percent: number;
}

interface Transmission {
  readonly vf: VirtualFunction;
  /** Wire bytes of the entry not yet sent. */
  remaining: number;
  readonly done: () => void;
}

class TrafficClass {
  /** Entries waiting, one per VF at most (a VF sends one entry at a time), served round robin. */
  readonly queue: Transmission[] = [];
  deficit = 0;
  bytesSent = 0;

  constructor(
    readonly name: string,
    readonly quantumBytes: number,
  ) {}
}

/** Bytes of quantum per percent of share: small, so that a class waits at most about one frame. */
const QUANTUM_BYTES_PER_PERCENT = 32;

/**
 * Enhanced Transmission Selection (IEEE 802.1Qaz) on one port: TX entries of the port's VFs are
 * put on the wire a frame at a time, classes served by deficit round robin in proportion to their
 * shares, the VFs of a class round robin. It is work-conserving: a class with nothing to send
 * leaves its share to the others (borrowing). An entry's `done` is called when its last frame
 * has left, which is when the core's transceiver completes the TX entry (Fig 9, 806-807).
 */
export class EtsScheduler {
  private readonly classes: TrafficClass[];
  private turn = 0;
  /** The class at `turn` has been given its quantum for this visit. */
  private visiting = false;
  private busy = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly speedBps: () => number,
    classes: readonly TrafficClassSpec[],
    /** Entries are cut into frames of at most this many wire bytes. */
    private readonly maxFrameBytes: number,
  ) {
    this.classes = classes.map((c) => new TrafficClass(c.name, c.percent * QUANTUM_BYTES_PER_PERCENT));
  }

  /** Queue an entry of `wireBytes` from a VF of class `className`. */
  submit(className: string, vf: VirtualFunction, wireBytes: number, done: () => void): void {
    this.classOf(className).queue.push({ vf, remaining: wireBytes, done });
    this.next();
  }

  /** Wire bytes each class has sent so far. */
  bytesSent(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c) => [c.name, c.bytesSent]));
  }

  private classOf(name: string): TrafficClass {
    const found = this.classes.find((c) => c.name === name);
    if (found === undefined) throw new RangeError(`no traffic class ${name}`);
    return found;
  }

  /** Deficit round robin: put the next frame on the wire, if the wire is free and anyone waits. */
  private next(): void {
    if (this.busy || this.classes.every((c) => c.queue.length === 0)) return;
    for (;;) {
      const cls = this.classes[this.turn];
      if (cls.queue.length === 0) {
        cls.deficit = 0;
        this.advance();
        continue;
      }
      if (!this.visiting) {
        cls.deficit += cls.quantumBytes;
        this.visiting = true;
      }
      const head = cls.queue[0];
      const frame = Math.min(head.remaining, this.maxFrameBytes);
      if (frame > cls.deficit) {
        this.advance();
        continue;
      }
      this.send(cls, head, frame);
      return;
    }
  }

  private send(cls: TrafficClass, transmission: Transmission, frame: number): void {
    cls.deficit -= frame;
    cls.bytesSent += frame;
    transmission.remaining -= frame;
    cls.queue.shift();
    const finished = transmission.remaining === 0;
    if (!finished) cls.queue.push(transmission); // the class's next frame is another VF's
    if (cls.queue.length === 0) cls.deficit = 0;
    this.busy = true;
    this.scheduler.after(Math.max(1, Math.ceil((frame * 8 * 1e9) / this.speedBps())), () => {
      this.busy = false;
      if (finished) transmission.done();
      this.next();
    });
  }

  private advance(): void {
    this.turn = (this.turn + 1) % this.classes.length;
    this.visiting = false;
  }
}

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MainMemory } from "../main-memory.js";
import { EntryStatus, QueuePairView, type RingEntry, RingView } from "./ring.js";

function ringOf(size: number, base = 64): RingView {
  const memory = new MainMemory(base + RingView.bytesFor(size) + 64);
  return new RingView(memory, base).format(size);
}

/** Producer side as the drivers do it (steps 1405-1408): check, write the entry, advance. */
function produce(ring: RingView, entry: RingEntry): boolean {
  if (ring.full) return false;
  ring.setEntry(ring.writeIndex, entry);
  ring.advanceWrite();
  return true;
}

/** Consumer side as the device does it (steps 802-807): check, read the entry, advance. */
function consume(ring: RingView): RingEntry | undefined {
  if (ring.empty) return undefined;
  const entry = ring.entry(ring.readIndex);
  ring.advanceRead();
  return entry;
}

const entryNo = (n: number): RingEntry => ({ address: 0x1000 + n * 64, size: n % 2049, status: EntryStatus.PENDING });

describe("RingView (Fig 5)", () => {
  test("a formatted ring is empty, not full, disabled, with both indexes at 0", () => {
    const ring = ringOf(8);
    expect(ring.empty).toBe(true);
    expect(ring.full).toBe(false);
    expect(ring.enabled).toBe(false);
    expect([ring.readIndex, ring.writeIndex, ring.size, ring.capacity, ring.pending]).toEqual([0, 0, 8, 7, 0]);
  });

  test("a ring of size n holds n - 1 entries; then the write index cannot be incremented (steps 902, 1405)", () => {
    const ring = ringOf(4);
    for (let n = 0; n < 3; n++) expect(produce(ring, entryNo(n))).toBe(true);
    expect(ring.full).toBe(true);
    expect(ring.empty).toBe(false);
    expect(ring.pending).toBe(3);
    expect(produce(ring, entryNo(99))).toBe(false);
    expect(ring.writeIndex).toBe(3);
  });

  test("draining a full ring returns its entries in order and leaves it empty with read == write", () => {
    const ring = ringOf(4);
    for (let n = 0; n < 3; n++) produce(ring, entryNo(n));
    expect([consume(ring), consume(ring), consume(ring)]).toEqual([entryNo(0), entryNo(1), entryNo(2)]);
    expect(consume(ring)).toBeUndefined();
    expect(ring.empty).toBe(true);
    expect(ring.readIndex).toBe(ring.writeIndex);
  });

  test("indexes wrap around from size - 1 to 0 and the ring keeps FIFO order across the wrap", () => {
    const ring = ringOf(4);
    const out: RingEntry[] = [];
    for (let n = 0; n < 10; n++) {
      produce(ring, entryNo(n));
      if (n >= 1) out.push(consume(ring) as RingEntry);
      expect(ring.writeIndex).toBe((n + 1) % 4);
    }
    out.push(consume(ring) as RingEntry);
    expect(out).toEqual(Array.from({ length: 10 }, (_, n) => entryNo(n)));
    expect(ring.empty).toBe(true);
  });

  test("full and empty are told apart after a wrap (write + 1 == read, mod size)", () => {
    const ring = ringOf(4);
    ring.readIndex = 2;
    ring.writeIndex = 1;
    expect(ring.full).toBe(true);
    expect(ring.pending).toBe(3);
    ring.writeIndex = 2;
    expect(ring.empty).toBe(true);
    expect(ring.full).toBe(false);
  });

  test("entry fields can be updated one by one (the device writes size and error status)", () => {
    const ring = ringOf(8);
    ring.setEntry(5, entryNo(5));
    ring.setEntrySize(5, 1500);
    ring.setEntryStatus(5, EntryStatus.OK);
    expect(ring.entry(5)).toEqual({ address: entryNo(5).address, size: 1500, status: EntryStatus.OK });
    expect(ring.entryAddressField(5)).toBe(entryNo(5).address);
    expect(ring.entrySize(5)).toBe(1500);
    expect(ring.entryStatus(5)).toBe(EntryStatus.OK);
  });

  test("a size below 2 or not an integer is refused", () => {
    const memory = new MainMemory(1024);
    for (const size of [0, 1, 2.5]) expect(() => new RingView(memory, 0).format(size)).toThrow(RangeError);
  });

  test("the TX and RX rings of a queue pair do not overlap", () => {
    const size = 16;
    const memory = new MainMemory(QueuePairView.bytesFor(size) + 128);
    const pair = new QueuePairView(memory, 64, size).format(size);
    for (let n = 0; n < size - 1; n++) produce(pair.tx, entryNo(n));
    pair.tx.enabled = true;
    expect(pair.rx.empty).toBe(true);
    expect(pair.rx.enabled).toBe(false);
    expect(pair.rx.size).toBe(size);
    for (let n = 0; n < size - 1; n++) produce(pair.rx, entryNo(100 + n));
    for (let n = 0; n < size - 1; n++) expect(consume(pair.tx)).toEqual(entryNo(n));
  });

  test("behaves like a bounded FIFO queue over random produce/consume sequences and sizes", () => {
    const produceOp = fc.record({
      op: fc.constant("produce" as const),
      address: fc.nat({ max: 2 ** 32 - 1 }),
      size: fc.nat(4096),
    });
    const consumeOp = fc.record({ op: fc.constant("consume" as const) });
    // a per-sequence bias, so that some runs fill the ring and others keep draining it
    const operations = fc.integer({ min: 1, max: 9 }).chain((weight) =>
      fc.array(fc.oneof({ arbitrary: produceOp, weight }, { arbitrary: consumeOp, weight: 10 - weight }), {
        maxLength: 300,
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.nat({ max: 4096 }).map((n) => n * 16),
        operations,
        (size, base, steps) => {
          const ring = ringOf(size, base);
          const model: RingEntry[] = [];
          const capacity = size - 1;
          for (const step of steps) {
            if (step.op === "produce") {
              const entry = { address: step.address, size: step.size, status: EntryStatus.PENDING };
              const accepted = produce(ring, entry);
              expect(accepted).toBe(model.length < capacity);
              if (accepted) model.push(entry);
            } else {
              expect(consume(ring)).toEqual(model.shift());
            }
            expect(ring.pending).toBe(model.length);
            expect(ring.empty).toBe(model.length === 0);
            expect(ring.full).toBe(model.length === capacity);
            expect(ring.readIndex).toBeLessThan(size);
            expect(ring.writeIndex).toBeLessThan(size);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

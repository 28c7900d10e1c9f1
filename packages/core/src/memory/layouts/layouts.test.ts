import { describe, expect, test } from "vitest";
import { MainMemory } from "../main-memory.js";
import { EmergencyLinkView } from "./emergency-link.js";
import { HypervisorStateAreaView } from "./hypervisor-state.js";
import { type FunctionLinkRow, PhysicalLinkStateTable } from "./physical-link-state.js";
import { EntryStatus, QueuePairView } from "./ring.js";
import { VirtualLinkStateView } from "./virtual-link-state.js";

const SOURCE_BASE = 0x140;
const TARGET_BASE = 0x2a80;

/**
 * Copies the raw bytes of a structure to another memory at another address. A layout that kept
 * any of its state outside the bytes, or used absolute addresses inside them, would not survive.
 */
function moveBytes(from: MainMemory, length: number, to: MainMemory): void {
  to.write(TARGET_BASE, from.read(SOURCE_BASE, length));
}

const memories = {
  "ArrayBuffer-backed": () => [new MainMemory(64 * 1024), new MainMemory(64 * 1024)],
  "SharedArrayBuffer-backed": () => [new MainMemory(64 * 1024, { shared: true }), new MainMemory(64 * 1024)],
} as const;

describe.each(Object.entries(memories))("layouts round-trip through bytes (%s source)", (_, makeMemories) => {
  test("Fig 3: physical link state table 130 / 130A", () => {
    const [source, target] = makeMemories();
    const rows: FunctionLinkRow[] = [
      {
        physicalUp: true,
        notifiedUp: true,
        physicalMaxBps: 10e9,
        physicalAllocBps: 10e9,
        notifiedMaxBps: 10e9,
        notifiedAllocBps: 10e9,
      },
      {
        physicalUp: true,
        notifiedUp: false,
        physicalMaxBps: 10e9,
        physicalAllocBps: 3_333_333_333,
        notifiedMaxBps: 1e9,
        notifiedAllocBps: 2 ** 53 - 1,
      },
      {
        physicalUp: false,
        notifiedUp: true,
        physicalMaxBps: 0,
        physicalAllocBps: 0,
        notifiedMaxBps: 25e9,
        notifiedAllocBps: 1,
      },
    ];
    const table = new PhysicalLinkStateTable(source, SOURCE_BASE).format(rows.length);
    for (const [i, row] of rows.entries()) table.writeRow(i, row);
    moveBytes(source, PhysicalLinkStateTable.bytesFor(rows.length), target);
    const copy = new PhysicalLinkStateTable(target, TARGET_BASE);
    expect(copy.functionCount).toBe(3);
    expect(rows.map((_, i) => copy.row(i))).toEqual(rows);
  });

  test("Fig 3: physical and notified fields of a row are stored separately", () => {
    const [source] = makeMemories();
    const table = new PhysicalLinkStateTable(source, SOURCE_BASE).format(2);
    table.setPhysical(1, true, 10e9, 5e9);
    table.setNotified(1, false, 1e9, 2e9);
    table.setPhysical(1, false, 7e9, 6e9);
    expect(table.row(1)).toEqual({
      physicalUp: false,
      notifiedUp: false,
      physicalMaxBps: 7e9,
      physicalAllocBps: 6e9,
      notifiedMaxBps: 1e9,
      notifiedAllocBps: 2e9,
    });
    expect(table.row(0).physicalMaxBps).toBe(0);
  });

  test("Fig 4: virtual link state 131", () => {
    const [source, target] = makeMemories();
    const values = { up: true, maxBps: 10e9, allocBps: 2_500_000_001 };
    new VirtualLinkStateView(source, SOURCE_BASE).set(values);
    moveBytes(source, VirtualLinkStateView.BYTES, target);
    const copy = new VirtualLinkStateView(target, TARGET_BASE);
    expect(copy.get()).toEqual(values);
    expect(copy.up).toBe(true);
  });

  test("Fig 5: TX/RX queue 132 (enable bits, indexes, entries)", () => {
    const [source, target] = makeMemories();
    const size = 8;
    const pair = new QueuePairView(source, SOURCE_BASE, size).format(size);
    pair.tx.enabled = true;
    pair.tx.readIndex = 6;
    pair.tx.writeIndex = 2;
    pair.rx.readIndex = 3;
    pair.rx.writeIndex = 3;
    for (let i = 0; i < size; i++) {
      pair.tx.setEntry(i, { address: 0xfff0_0000 + i, size: 60 + i, status: EntryStatus.PENDING });
      pair.rx.setEntry(i, { address: 0x1000 * i, size: 2048, status: i % 3 });
    }
    moveBytes(source, QueuePairView.bytesFor(size), target);
    const copy = new QueuePairView(target, TARGET_BASE, size);
    for (const ring of ["tx", "rx"] as const) {
      const a = pair[ring];
      const b = copy[ring];
      expect([b.enabled, b.readIndex, b.writeIndex, b.size]).toEqual([a.enabled, a.readIndex, a.writeIndex, a.size]);
      for (let i = 0; i < size; i++) expect(b.entry(i)).toEqual(a.entry(i));
    }
    expect(copy.tx.pending).toBe(4);
    expect(copy.rx.empty).toBe(true);
  });

  test("Fig 6: hypervisor state area 133 with counter 501, which wraps at 2^32", () => {
    const [source, target] = makeMemories();
    const area = new HypervisorStateAreaView(source, SOURCE_BASE);
    area.increment();
    area.increment();
    moveBytes(source, HypervisorStateAreaView.BYTES, target);
    const copy = new HypervisorStateAreaView(target, TARGET_BASE);
    expect(copy.counter).toBe(2);
    source.setU32(SOURCE_BASE, 2 ** 32 - 1);
    expect(area.increment()).toBe(0);
  });

  test("emergency link 150: stop request and acknowledgement", () => {
    const [source, target] = makeMemories();
    const link = new EmergencyLinkView(source, SOURCE_BASE);
    link.requestStop();
    link.acknowledge();
    link.requestStop();
    moveBytes(source, EmergencyLinkView.BYTES, target);
    const copy = new EmergencyLinkView(target, TARGET_BASE);
    expect([copy.stopRequested, copy.requestSeq, copy.ackSeq]).toEqual([true, 2, 1]);
    copy.clear();
    expect([copy.stopRequested, copy.requestSeq, copy.ackSeq]).toEqual([false, 0, 0]);
  });
});

describe("MainMemory over a SharedArrayBuffer", () => {
  test("reports itself shared, and a second view of the same buffer sees every write", () => {
    const memory = new MainMemory(4096, { shared: true });
    expect(memory.shared).toBe(true);
    expect(new MainMemory(4096).shared).toBe(false);
    const other = new MainMemory(4096, { buffer: memory.bytes.buffer as SharedArrayBuffer });
    new VirtualLinkStateView(memory, 256).set({ up: true, maxBps: 10e9, allocBps: 4e9 });
    expect(new VirtualLinkStateView(other, 256).get()).toEqual({ up: true, maxBps: 10e9, allocBps: 4e9 });
  });

  test("a buffer smaller than the memory is refused", () => {
    expect(() => new MainMemory(4096, { buffer: new SharedArrayBuffer(1024) })).toThrow(/1024 bytes, need 4096/);
  });
});

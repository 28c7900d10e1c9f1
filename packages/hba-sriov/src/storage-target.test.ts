import { describe, expect, test } from "vitest";
import { Asc, cdb, decodeReadCapacity, decodeSense, ScsiStatus, SenseKey } from "./scsi.js";
import { StorageTarget } from "./storage-target.js";

const A = "50:0a:5e:ed:10:00:00:01";
const B = "50:0a:5e:ed:10:00:00:02";

function target(): StorageTarget {
  return new StorageTarget({ wwpn: "t", readLatencyNs: 100, writeLatencyNs: 50, controlLatencyNs: 10 }, [
    { id: 0, blockSize: 512, blocks: 1000, initiators: [A] },
    { id: 1, blockSize: 4096, blocks: 16, initiators: [A, B] },
  ]);
}

describe("storage target 203", () => {
  test("READ CAPACITY(10) reports the last LBA and the block size of 512- and 4096-byte LUNs", () => {
    const t = target();
    const small = t.execute({ initiator: A, lun: 0, cdb: cdb.readCapacity10(), dataInLength: 8 });
    expect(decodeReadCapacity(small.dataIn as Uint8Array)).toEqual({ blocks: 1000, blockSize: 512 });
    const big = t.execute({ initiator: B, lun: 1, cdb: cdb.readCapacity10(), dataInLength: 8 });
    expect(decodeReadCapacity(big.dataIn as Uint8Array)).toEqual({ blocks: 16, blockSize: 4096 });
  });

  test("what is written reads back identically; a block never written reads as zeros", () => {
    const t = target();
    const data = Uint8Array.from({ length: 3 * 512 }, (_, i) => (i * 7) & 0xff);
    expect(t.execute({ initiator: A, lun: 0, cdb: cdb.write10(10, 3), dataOut: data, dataInLength: 0 }).status).toBe(
      ScsiStatus.GOOD,
    );
    const back = t.execute({ initiator: A, lun: 0, cdb: cdb.read10(9, 5), dataInLength: 5 * 512 });
    expect(back.dataIn?.subarray(512, 4 * 512)).toEqual(data);
    expect(back.dataIn?.subarray(0, 512).every((b) => b === 0)).toBe(true);
  });

  test("a read past the end is ILLEGAL REQUEST, LBA OUT OF RANGE; an unknown opcode is INVALID COMMAND OPERATION CODE", () => {
    const t = target();
    const past = t.execute({ initiator: A, lun: 0, cdb: cdb.read10(999, 2), dataInLength: 1024 });
    expect(past.status).toBe(ScsiStatus.CHECK_CONDITION);
    expect(decodeSense(past.sense as Uint8Array)).toEqual({
      key: SenseKey.ILLEGAL_REQUEST,
      asc: Asc.LBA_OUT_OF_RANGE,
      ascq: 0,
    });
    const unknown = t.execute({ initiator: A, lun: 0, cdb: Uint8Array.of(0xc1, 0, 0, 0, 0, 0), dataInLength: 0 });
    expect(decodeSense(unknown.sense as Uint8Array)?.asc).toBe(Asc.INVALID_COMMAND_OPERATION_CODE);
  });

  test("LUN masking: each initiator sees only the LUNs masked to its WWPN", () => {
    const t = target();
    expect(t.visibleLuns(A)).toEqual([0, 1]);
    expect(t.visibleLuns(B)).toEqual([1]);
    expect(t.visibleLuns("someone else")).toEqual([]);
    const refused = t.execute({ initiator: B, lun: 0, cdb: cdb.testUnitReady(), dataInLength: 0 });
    expect(decodeSense(refused.sense as Uint8Array)).toEqual({
      key: SenseKey.ILLEGAL_REQUEST,
      asc: Asc.LOGICAL_UNIT_NOT_SUPPORTED,
      ascq: 0,
    });
    expect(t.statsOf(B)).toEqual({ commands: 1, writes: 0, reads: 0, checkConditions: 1 });
  });
});

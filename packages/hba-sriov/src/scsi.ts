/**
 * The SCSI subset the storage target speaks (SPC-4 / SBC-3): operation codes, status, sense, and
 * the command descriptor blocks (CDBs) as real bytes, big-endian as the standards lay them out.
 */
export const ScsiOp = {
  TEST_UNIT_READY: 0x00,
  INQUIRY: 0x12,
  READ_CAPACITY_10: 0x25,
  READ_10: 0x28,
  WRITE_10: 0x2a,
  REPORT_LUNS: 0xa0,
} as const;

export const ScsiStatus = {
  GOOD: 0x00,
  CHECK_CONDITION: 0x02,
} as const;

export const SenseKey = {
  NO_SENSE: 0x0,
  NOT_READY: 0x2,
  ILLEGAL_REQUEST: 0x5,
  ABORTED_COMMAND: 0xb,
} as const;

/** Additional sense codes (ASC; the qualifier ASCQ is 0 for all of these). */
export const Asc = {
  INVALID_COMMAND_OPERATION_CODE: 0x20,
  LBA_OUT_OF_RANGE: 0x21,
  INVALID_FIELD_IN_CDB: 0x24,
  LOGICAL_UNIT_NOT_SUPPORTED: 0x25,
} as const;

export interface Sense {
  readonly key: number;
  readonly asc: number;
  readonly ascq: number;
}

export const FIXED_SENSE_BYTES = 18;

/** Fixed-format sense data (response code 70h). */
export function encodeSense(sense: Sense): Uint8Array {
  const out = new Uint8Array(FIXED_SENSE_BYTES);
  out[0] = 0x70;
  out[2] = sense.key & 0x0f;
  out[7] = FIXED_SENSE_BYTES - 8; // additional sense length
  out[12] = sense.asc;
  out[13] = sense.ascq;
  return out;
}

export function decodeSense(bytes: Uint8Array): Sense | undefined {
  if (bytes.length < 14 || (bytes[0] & 0x7f) !== 0x70) return undefined;
  return { key: bytes[2] & 0x0f, asc: bytes[12], ascq: bytes[13] };
}

function be32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = (value >>> 24) & 0xff;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}

export function readBe32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

export function readBe16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

/** CDB builders. */
export const cdb = {
  testUnitReady(): Uint8Array {
    return new Uint8Array(6);
  },
  inquiry(allocationLength: number): Uint8Array {
    const out = new Uint8Array(6);
    out[0] = ScsiOp.INQUIRY;
    out[3] = (allocationLength >>> 8) & 0xff;
    out[4] = allocationLength & 0xff;
    return out;
  },
  readCapacity10(): Uint8Array {
    const out = new Uint8Array(10);
    out[0] = ScsiOp.READ_CAPACITY_10;
    return out;
  },
  read10(lba: number, blocks: number): Uint8Array {
    return rw10(ScsiOp.READ_10, lba, blocks);
  },
  write10(lba: number, blocks: number): Uint8Array {
    return rw10(ScsiOp.WRITE_10, lba, blocks);
  },
  reportLuns(allocationLength: number): Uint8Array {
    const out = new Uint8Array(12);
    out[0] = ScsiOp.REPORT_LUNS;
    be32(out, 6, allocationLength);
    return out;
  },
};

function rw10(op: number, lba: number, blocks: number): Uint8Array {
  const out = new Uint8Array(10);
  out[0] = op;
  be32(out, 2, lba);
  out[7] = (blocks >>> 8) & 0xff;
  out[8] = blocks & 0xff;
  return out;
}

/** READ CAPACITY(10) parameter data: the last LBA and the block length. */
export function decodeReadCapacity(data: Uint8Array): { blocks: number; blockSize: number } {
  return { blocks: readBe32(data, 0) + 1, blockSize: readBe32(data, 4) };
}

/** REPORT LUNS parameter data: the LUNs the initiator may address (single-level, peripheral addressing). */
export function decodeReportLuns(data: Uint8Array): number[] {
  const count = Math.min(readBe32(data, 0) / 8, (data.length - 8) / 8);
  const luns: number[] = [];
  for (let i = 0; i < count; i++) luns.push(readBe16(data, 8 + i * 8) & 0x3fff);
  return luns;
}

export function encodeReportLuns(luns: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 + luns.length * 8);
  be32(out, 0, luns.length * 8);
  luns.forEach((lun, i) => {
    out[8 + i * 8] = (lun >>> 8) & 0x3f;
    out[9 + i * 8] = lun & 0xff;
  });
  return out;
}

export function encodeReadCapacity(blocks: number, blockSize: number): Uint8Array {
  const out = new Uint8Array(8);
  be32(out, 0, blocks - 1);
  be32(out, 4, blockSize);
  return out;
}

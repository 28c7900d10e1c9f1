import { LogicalUnit } from "./logical-unit.js";
import {
  Asc,
  encodeReadCapacity,
  encodeReportLuns,
  encodeSense,
  readBe16,
  readBe32,
  ScsiOp,
  ScsiStatus,
  type Sense,
  SenseKey,
} from "./scsi.js";

export interface LunSpec {
  readonly id: number;
  readonly blockSize: 512 | 4096;
  readonly blocks: number;
  /** WWPNs of the initiators allowed to see this LUN (LUN masking). */
  readonly initiators: readonly string[];
}

export interface StorageTargetOptions {
  readonly wwpn: string;
  /** Service time of a READ (media or cache). */
  readonly readLatencyNs: number;
  /** Service time of a WRITE (acknowledged from the array's protected cache). */
  readonly writeLatencyNs: number;
  /** Service time of the other commands (INQUIRY, READ CAPACITY, ...). */
  readonly controlLatencyNs: number;
}

/** A SCSI command as the target receives it in an FCP exchange. */
export interface ScsiRequest {
  readonly initiator: string;
  readonly lun: number;
  readonly cdb: Uint8Array;
  /** The data-out phase (WRITE): the target keeps these bytes, so they must be a copy no one else changes. */
  readonly dataOut?: Uint8Array;
  /** Bytes the initiator expects in the data-in phase (its buffer). */
  readonly dataInLength: number;
}

export interface ScsiResponse {
  readonly status: number;
  readonly sense?: Uint8Array;
  readonly dataIn?: Uint8Array;
}

/** Per-initiator counts, to check from outside that every command reached the target. */
export interface InitiatorStats {
  commands: number;
  writes: number;
  reads: number;
  checkConditions: number;
}

const INQUIRY_BYTES = 36;

/**
 * Storage target 203 on the SAN: LUNs with LUN masking per initiator WWPN, executing SCSI
 * commands. What is written is kept and reads back identically. A LUN an initiator may not see
 * answers CHECK CONDITION, ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED (INQUIRY answers with
 * peripheral qualifier 011b, as SPC requires); a crash never follows a bad request.
 */
export class StorageTarget {
  readonly luns = new Map<number, LogicalUnit>();
  private readonly masking = new Map<string, Set<number>>();
  private readonly stats = new Map<string, InitiatorStats>();

  constructor(
    readonly options: StorageTargetOptions,
    luns: readonly LunSpec[],
  ) {
    for (const spec of luns) {
      this.luns.set(spec.id, new LogicalUnit(spec.id, spec.blockSize, spec.blocks));
      for (const wwpn of spec.initiators) {
        const visible = this.masking.get(wwpn) ?? new Set<number>();
        visible.add(spec.id);
        this.masking.set(wwpn, visible);
      }
    }
  }

  get wwpn(): string {
    return this.options.wwpn;
  }

  /** The LUNs an initiator may see, in order. */
  visibleLuns(initiator: string): number[] {
    return [...(this.masking.get(initiator) ?? [])].sort((a, b) => a - b);
  }

  lun(id: number): LogicalUnit | undefined {
    return this.luns.get(id);
  }

  statsOf(initiator: string): InitiatorStats {
    let stats = this.stats.get(initiator);
    if (stats === undefined) {
      stats = { commands: 0, writes: 0, reads: 0, checkConditions: 0 };
      this.stats.set(initiator, stats);
    }
    return stats;
  }

  /** How long the target takes to serve the command before its response leaves. */
  serviceNs(request: ScsiRequest): number {
    const op = request.cdb[0];
    if (op === ScsiOp.READ_10) return this.options.readLatencyNs;
    if (op === ScsiOp.WRITE_10) return this.options.writeLatencyNs;
    return this.options.controlLatencyNs;
  }

  /** Execute a command (at the end of its service time). */
  execute(request: ScsiRequest): ScsiResponse {
    const stats = this.statsOf(request.initiator);
    stats.commands++;
    const response = this.dispatch(request, stats);
    if (response.status === ScsiStatus.CHECK_CONDITION) stats.checkConditions++;
    return response;
  }

  private dispatch(request: ScsiRequest, stats: InitiatorStats): ScsiResponse {
    const { cdb } = request;
    const op = cdb[0];
    // REPORT LUNS goes to the target as a whole (the well-known LUN 0 address)
    if (op === ScsiOp.REPORT_LUNS) {
      return dataIn(encodeReportLuns(this.visibleLuns(request.initiator)), readBe32(cdb, 6));
    }
    const lun = this.masking.get(request.initiator)?.has(request.lun) ? this.luns.get(request.lun) : undefined;
    if (lun === undefined) {
      if (op === ScsiOp.INQUIRY) return dataIn(inquiryData(0x7f), readBe16(cdb, 3));
      return checkCondition({ key: SenseKey.ILLEGAL_REQUEST, asc: Asc.LOGICAL_UNIT_NOT_SUPPORTED, ascq: 0 });
    }
    switch (op) {
      case ScsiOp.TEST_UNIT_READY:
        return { status: ScsiStatus.GOOD };
      case ScsiOp.INQUIRY:
        if (cdb[1] & 0x01) return invalidField(); // vital product data pages are not offered
        return dataIn(inquiryData(0x00), readBe16(cdb, 3));
      case ScsiOp.READ_CAPACITY_10:
        return dataIn(encodeReadCapacity(lun.blocks, lun.blockSize), request.dataInLength);
      case ScsiOp.READ_10: {
        const lba = readBe32(cdb, 2);
        const count = readBe16(cdb, 7);
        if (!lun.contains(lba, count)) return lbaOutOfRange();
        stats.reads++;
        return dataIn(lun.read(lba, count), request.dataInLength);
      }
      case ScsiOp.WRITE_10: {
        const lba = readBe32(cdb, 2);
        const count = readBe16(cdb, 7);
        if (!lun.contains(lba, count)) return lbaOutOfRange();
        const data = request.dataOut;
        if (data === undefined || data.length < count * lun.blockSize) return invalidField();
        lun.write(lba, data.subarray(0, count * lun.blockSize));
        stats.writes++;
        return { status: ScsiStatus.GOOD };
      }
      default:
        return checkCondition({ key: SenseKey.ILLEGAL_REQUEST, asc: Asc.INVALID_COMMAND_OPERATION_CODE, ascq: 0 });
    }
  }
}

function dataIn(data: Uint8Array, allocationLength: number): ScsiResponse {
  return {
    status: ScsiStatus.GOOD,
    dataIn: data.length > allocationLength ? data.subarray(0, allocationLength) : data,
  };
}

function checkCondition(sense: Sense): ScsiResponse {
  return { status: ScsiStatus.CHECK_CONDITION, sense: encodeSense(sense) };
}

function invalidField(): ScsiResponse {
  return checkCondition({ key: SenseKey.ILLEGAL_REQUEST, asc: Asc.INVALID_FIELD_IN_CDB, ascq: 0 });
}

function lbaOutOfRange(): ScsiResponse {
  return checkCondition({ key: SenseKey.ILLEGAL_REQUEST, asc: Asc.LBA_OUT_OF_RANGE, ascq: 0 });
}

/** Standard INQUIRY data; byte 0 is the peripheral qualifier and device type (7Fh: no LUN here). */
function inquiryData(peripheral: number): Uint8Array {
  const out = new Uint8Array(INQUIRY_BYTES);
  out[0] = peripheral;
  out[2] = 0x06; // SPC-4
  out[3] = 0x02; // response data format
  out[4] = INQUIRY_BYTES - 5;
  const ascii = (text: string, offset: number, length: number) => {
    for (let i = 0; i < length; i++) out[offset + i] = i < text.length ? text.charCodeAt(i) : 0x20;
  };
  ascii("UNDRSTDY", 8, 8);
  ascii("VIRTUAL LUN", 16, 16);
  ascii("0001", 32, 4);
  return out;
}

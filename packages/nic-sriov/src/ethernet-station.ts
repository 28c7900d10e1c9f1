import type { PhysicalPort, SriovDevice, VirtualFunction } from "@understudy/core";
import { MIN_FRAME_BYTES, macFromString, macKey, vfMac, WIRE_OVERHEAD_BYTES } from "./frame.js";
import type { Lan, LanStation } from "./lan.js";

/**
 * The Ethernet side of a device on one physical port: a MAC per VF, Ethernet framing on the wire,
 * and the LAN behind the port. The NIC is a device with one of these; a CNA's Ethernet PF is
 * another, on a port it shares with its FCoE PF.
 */
export class EthernetStation implements LanStation {
  private readonly byMac = new Map<number, VirtualFunction>();
  /** Frames from the LAN for a MAC that no VF has. */
  unknownDestination = 0;

  constructor(
    private readonly device: SriovDevice,
    readonly port: PhysicalPort,
    readonly lan: Lan,
    vfs: readonly VirtualFunction[],
    /** Distinguishes the MACs of several devices in one system. */
    deviceIndex: number,
  ) {
    for (const vf of vfs) {
      vf.identity = { ...vf.identity, mac: vfMac(deviceIndex, vf.pf.index, vf.index) };
      this.byMac.set(macKey(macFromString(vf.identity.mac)), vf);
    }
    port.onChange(() => {
      if (port.connected) lan.linkRestored(this);
    });
  }

  get linkUp(): boolean {
    return this.port.connected;
  }

  /** Bytes a frame occupies on the wire: padded to the minimum, plus preamble, FCS and gap. */
  wireBytes(frame: Uint8Array): number {
    return Math.max(frame.length, MIN_FRAME_BYTES) + WIRE_OVERHEAD_BYTES;
  }

  /** The frame is on the wire: the switch takes it. */
  transmit(frame: Uint8Array): void {
    this.lan.fromNic(this, frame);
  }

  /** The switch delivers a frame to this port: the VF with that MAC (see `macKey`) takes it (Fig 10). */
  deliver(destinationMacKey: number, frame: Uint8Array): void {
    const vf = this.byMac.get(destinationMacKey);
    if (vf === undefined) {
      this.unknownDestination++;
      return;
    }
    this.device.receive(vf, frame);
  }
}

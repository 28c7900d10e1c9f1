import type { PhysicalFunction, VirtualFunction } from "../device/functions.js";
import type { SriovDevice } from "../device/sriov-device.js";
import type { LinkControlChannel } from "../drivers/link-control-channel.js";
import type { EmergencyLinkView } from "../memory/layouts/emergency-link.js";
import type { GuestOs } from "./guest-os.js";

/** Who is connected to what: devices, guests, VF assignments, channels and emergency links. */
export class Topology {
  readonly devices: SriovDevice[] = [];
  readonly guests: GuestOs[] = [];
  /** VF id -> its link-control channel (lives as long as the system; ends are re-attached on resets). */
  readonly channels = new Map<string, LinkControlChannel>();
  /** guest name -> the VFs assigned to it */
  readonly assignments = new Map<string, VirtualFunction[]>();
  /** non-critical guest name -> its emergency link 150 */
  readonly emergencyLinks = new Map<string, EmergencyLinkView>();

  get critical(): GuestOs {
    const guest = this.guests.find((g) => g.critical);
    if (guest === undefined) throw new Error("no critical guest");
    return guest;
  }

  get others(): GuestOs[] {
    return this.guests.filter((g) => !g.critical);
  }

  get pfs(): PhysicalFunction[] {
    return this.devices.flatMap((d) => d.pfs);
  }

  guest(name: string): GuestOs {
    const guest = this.guests.find((g) => g.name === name);
    if (guest === undefined) throw new RangeError(`no guest named ${name}`);
    return guest;
  }

  guestOf(vf: VirtualFunction): GuestOs | undefined {
    for (const [name, vfs] of this.assignments) if (vfs.includes(vf)) return this.guest(name);
    return undefined;
  }

  channel(vf: VirtualFunction): LinkControlChannel {
    const channel = this.channels.get(vf.id);
    if (channel === undefined) throw new RangeError(`${vf.id} is not assigned to a guest`);
    return channel;
  }
}

/**
 * World Wide Names in the NAA 5 (IEEE registered) format: 4 bits of NAA, a 24-bit OUI, 36 bits
 * the vendor assigns. Understudy's 36 bits: role (node or port, 4 bits), the device number (16),
 * the PF index (4) and the VF index (12, 0 for the PF itself). NPIV gives every VF its own pair.
 */
const NAA_IEEE_REGISTERED = 5n;
/** An OUI from the IEEE's private range, so no real vendor's names are imitated. */
const OUI = 0x0a5eedn;

export type WwnRole = "node" | "port";

export function wwn(role: WwnRole, deviceNumber: number, pfIndex: number, vfIndex: number): string {
  const vendor =
    (BigInt(role === "port" ? 1 : 2) << 32n) |
    (BigInt(deviceNumber & 0xffff) << 16n) |
    (BigInt(pfIndex & 0xf) << 12n) |
    BigInt(vfIndex & 0xfff);
  const value = (NAA_IEEE_REGISTERED << 60n) | (OUI << 36n) | vendor;
  const hex = value.toString(16).padStart(16, "0");
  return hex.match(/../g)?.join(":") ?? hex;
}

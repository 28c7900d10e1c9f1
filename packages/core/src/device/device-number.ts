/**
 * A stable 16-bit number from a device id (FNV-1a), for the addresses a device plugin derives per
 * device (MACs, WWNs), so that they differ between devices and never depend on build order.
 */
export function deviceNumber(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 0xffff;
}

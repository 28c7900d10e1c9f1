/**
 * The device's physical port: the cable and its speed. One port may carry several PFs (a CNA's
 * Ethernet and FCoE functions share one cable).
 */
export class PhysicalPort {
  private listeners: (() => void)[] = [];

  constructor(
    readonly name: string,
    private connectedNow: boolean,
    private speedNowBps: number,
  ) {}

  get connected(): boolean {
    return this.connectedNow;
  }
  get speedBps(): number {
    return this.speedNowBps;
  }

  /** Cable unplugged (false) or plugged back (true). */
  setConnected(connected: boolean): void {
    if (connected === this.connectedNow) return;
    this.connectedNow = connected;
    this.changed();
  }

  /** Link renegotiated at another speed. */
  setSpeed(bps: number): void {
    if (bps === this.speedNowBps) return;
    this.speedNowBps = bps;
    this.changed();
  }

  /** Call `listener` on every change; returns what stops it. */
  onChange(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

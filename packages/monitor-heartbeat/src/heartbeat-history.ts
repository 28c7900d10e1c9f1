/**
 * The last `maxSampleSize` inter-arrival times, with their mean and (population) standard
 * deviation kept up to date as Akka's `HeartbeatHistory` does. The sums are taken about the first
 * sample (shifted data), so that squares of nanosecond intervals over hours of samples do not eat
 * the precision of a double.
 */
export class HeartbeatHistory {
  private readonly samples: number[] = [];
  private head = 0;
  private shift = 0;
  private sum = 0;
  private sumOfSquares = 0;

  constructor(readonly maxSampleSize: number) {}

  get size(): number {
    return this.samples.length;
  }

  add(intervalNs: number): void {
    if (this.samples.length === 0) this.shift = intervalNs;
    if (this.samples.length === this.maxSampleSize) {
      this.remove(this.samples[this.head]);
      this.samples[this.head] = intervalNs;
      this.head = (this.head + 1) % this.maxSampleSize;
    } else {
      this.samples.push(intervalNs);
    }
    const d = intervalNs - this.shift;
    this.sum += d;
    this.sumOfSquares += d * d;
  }

  get meanNs(): number {
    return this.shift + this.sum / this.samples.length;
  }

  get stdDevNs(): number {
    const n = this.samples.length;
    const m = this.sum / n;
    return Math.sqrt(Math.max(0, this.sumOfSquares / n - m * m));
  }

  private remove(intervalNs: number): void {
    const d = intervalNs - this.shift;
    this.sum -= d;
    this.sumOfSquares -= d * d;
  }
}

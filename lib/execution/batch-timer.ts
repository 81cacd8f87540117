/**
 * When to write a batch: once changes have paused `quietMs`, and at the latest `maxWaitMs`
 * after the first change pending, however steadily they keep coming.
 */
export class BatchTimer {
  private firstAt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly quietMs: number, private readonly maxWaitMs: number, private readonly fire: () => void) {}

  touch() {
    const now = Date.now();
    if (!this.timer) this.firstAt = now;
    else clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fire();
    }, Math.max(0, Math.min(this.quietMs, this.firstAt + this.maxWaitMs - now)));
  }

  cancel() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

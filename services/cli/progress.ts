/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per 10% otherwise (CI logs,
 * files), so a long publish shows it is alive without flooding a log.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDecile = -1;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly total: number,
    private readonly label: string,
  ) {}

  update(done: number): void {
    const share = this.total === 0 ? 1 : done / this.total;
    const rate = Math.round(done / Math.max(0.001, (Date.now() - this.started) / 1000));
    const text = `${this.label} ${bar(share)} ${(share * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} records, ${rate.toLocaleString('en-US')}/s`;
    if (this.tty) {
      process.stderr.write(`\r${text}`);
      if (done >= this.total) process.stderr.write('\n');
      return;
    }
    const decile = Math.floor(share * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      process.stderr.write(`${text}\n`);
    }
  }
}

function bar(share: number, width = 30): string {
  const full = Math.round(share * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

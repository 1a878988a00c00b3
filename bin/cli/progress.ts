/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, otherwise (CI logs, pipes) a plain line at
 * most every `intervalMs`, so a log shows the job moving without thousands of lines.
 */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** What is being counted: "rows", "emails". */
  unit: string;
  intervalMs?: number;
  now?: () => number;
}

export class Progress {
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #unit: string;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #started: number;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #lastLine = '';
  #drawn = false;

  constructor(stream: ProgressStream, opts: ProgressOptions) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
    this.#unit = opts.unit;
    this.#now = opts.now ?? Date.now;
    this.#intervalMs = opts.intervalMs ?? (this.#tty ? 100 : 2000);
    this.#started = this.#now();
  }

  /** Draws when due; `force` draws now (the first and the last state are always worth showing). */
  update(done: number, total: number, note = '', force = false): void {
    const now = this.#now();
    if (!force && now - this.#lastDraw < this.#intervalMs) return;
    this.#lastDraw = now;
    if (this.#tty) {
      this.#stream.write(`\r${this.#bar(done, total, note, now)}\u001b[K`);
      this.#drawn = true;
    } else {
      const text = `${done}/${total} ${this.#unit}${note ? `, ${note}` : ''}`;
      if (text === this.#lastLine) return;
      this.#lastLine = text;
      this.#stream.write(`progress: ${text}\n`);
    }
  }

  /** Leaves the terminal line clean for whatever is printed next. */
  finish(): void {
    if (this.#tty && this.#drawn) this.#stream.write('\r\u001b[K');
    this.#drawn = false;
  }

  #bar(done: number, total: number, note: string, now: number): string {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const elapsed = (now - this.#started) / 1000;
    const rate = elapsed > 0.5 ? done / elapsed : 0;
    const eta = rate > 0 && done < total ? ` ETA ${formatSeconds((total - done) / rate)}` : '';
    const text = ` ${done}/${total} ${this.#unit} ${Math.floor(ratio * 100)}%${note ? `  ${note}` : ''}${eta}`;
    const width = Math.max(10, Math.min(40, (this.#stream.columns || 80) - text.length - 3));
    const filled = Math.round(ratio * width);
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${text}`;
  }
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

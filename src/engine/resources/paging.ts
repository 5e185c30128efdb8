/**
 * The resources session's plumbing: a limiter that bounds the AWS requests in flight, a list
 * read a page at a time (Lister: the tree's "Load more"), and a marker pager for IAM lists read
 * whole (the delete plans).
 */
import { throwIfAborted } from '../errors';

export interface CallStats {
  /** AWS requests made (one per SDK call, retries of one call not counted again). */
  calls: number;
  byAction: Record<string, number>;
  /** Requests in flight now, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
}

/** At most `max` calls in flight; the others wait their turn (counted in `stats`). */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number, private readonly stats: CallStats) {}

  async run<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    this.stats.inFlight = this.running;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.running);
    try {
      throwIfAborted(signal);
      return await fn();
    } finally {
      this.running--;
      this.stats.inFlight = this.running;
      this.waiting.shift()?.();
    }
  }
}

/**
 * A list read a page at a time. `next()` returns the next `pageSize` items (fewer at the end, or
 * when a page hit its call budget), making only the AWS calls needed: what an AWS page returned
 * beyond the tree page is kept for the next one. Concurrent next() calls share one fetch.
 */
export class Lister<T> {
  /** Everything returned so far, in order. */
  readonly items: T[] = [];
  private buffer: T[] = [];
  private token: string | undefined;
  private started = false;
  private exhausted = false;
  private pending: Promise<T[]> | undefined;
  /** AWS calls this list made. */
  calls = 0;

  constructor(
    private readonly fetch: (token: string | undefined, signal: AbortSignal | undefined) => Promise<{ items: T[]; token: string | undefined }>,
    readonly pageSize: number,
    /** At most this many AWS calls per next() (then it returns what it has, possibly nothing, and done stays false). */
    private readonly maxCallsPerPage = Number.POSITIVE_INFINITY,
  ) {}

  /** Nothing more to load. */
  get done(): boolean {
    return this.started && this.exhausted && this.buffer.length === 0;
  }

  get loading(): boolean {
    return this.pending !== undefined;
  }

  next(signal?: AbortSignal): Promise<T[]> {
    this.pending ??= this.load(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Loads pages until done or `limit` items are loaded; returns all items loaded. */
  async all(signal?: AbortSignal, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
    while (!this.done && this.items.length < limit) await this.next(signal);
    return this.items;
  }

  private async load(signal: AbortSignal | undefined): Promise<T[]> {
    let calls = 0;
    while (this.buffer.length < this.pageSize && !(this.started && this.exhausted) && calls < this.maxCallsPerPage) {
      throwIfAborted(signal);
      const r = await this.fetch(this.token, signal);
      calls++;
      this.calls++;
      this.started = true;
      this.buffer.push(...r.items);
      this.token = r.token;
      if (!r.token) this.exhausted = true;
    }
    const page = this.buffer.splice(0, this.pageSize);
    this.items.push(...page);
    return page;
  }
}

/** Pages through a marker-paged IAM list (at most 100 pages). */
export async function allPages<T>(page: (marker: string | undefined) => Promise<{ items: T[]; marker: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  for (let i = 0; i < 100; i++) {
    const r = await page(marker);
    out.push(...r.items);
    marker = r.marker;
    if (!marker) break;
  }
  return out;
}

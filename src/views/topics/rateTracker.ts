// Message rates from end-offset deltas between two observations of a topic.

export class RateTracker {
  private readonly last = new Map<string, { endOffset: bigint; atMs: number }>();

  /** Records an observation; returns messages/s since the previous one (undefined on the first). */
  observe(key: string, endOffset: bigint, atMs: number): number | undefined {
    const previous = this.last.get(key);
    this.last.set(key, { endOffset, atMs });
    if (!previous || atMs <= previous.atMs) return undefined;
    // A recreated topic starts again from 0: no negative rates.
    const delta = endOffset >= previous.endOffset ? Number(endOffset - previous.endOffset) : 0;
    return (delta * 1000) / (atMs - previous.atMs);
  }

  forget(keyPrefix: string): void {
    for (const key of [...this.last.keys()]) if (key.startsWith(keyPrefix)) this.last.delete(key);
  }
}

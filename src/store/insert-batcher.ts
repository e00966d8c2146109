/**
 * Inserts made before an ack, gathered: while the statements in flight run, the inserts that arrive wait and go
 * together in the next one. A burst of 100 clicks or commands is then a handful of statements (and commits), not
 * 100 one after another on the few connections kept for acks; a lone one goes at once. A statement that fails
 * for several is tried again for each alone, so one bad insert fails only its own ack.
 */
export class InsertBatcher<In, Out> {
  private readonly waiting: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] =
    [];
  private inFlight = 0;

  constructor(
    private readonly insert: (items: readonly In[]) => Promise<Out[]>,
    /** Statements at once: the connections kept for them. */
    private readonly concurrency: number,
    /** Rows in one statement at the most. */
    private readonly maxBatch = 100,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: InsertBatcher<In, Out>['waiting']): Promise<void> {
    try {
      const outs = await this.insert(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(outs[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(
        batch.map((b) =>
          this.insert([b.item]).then(
            ([out]) => b.resolve(out!),
            (alone: unknown) => b.reject(alone),
          ),
        ),
      );
    }
  }
}

/**
 * What would end a Node process outside a test runner: an uncaught exception or an unhandled rejection. The
 * runner catches both (and fails the run), so a test that must prove "the process survives" records them
 * itself while the attack runs, and asserts there were none.
 */
export interface ProcessFaults {
  /** The errors so far, in order. */
  readonly faults: unknown[];
  stop(): void;
}

export function watchProcessFaults(): ProcessFaults {
  const faults: unknown[] = [];
  const record = (error: unknown): void => {
    faults.push(error);
  };
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    faults,
    stop: () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

import type { FaultSettings, ServiceName } from '../faults.js';
import type { EmulatorState } from '../state.js';

/** What a handler gets besides its input. */
export interface OperationContext {
  state: EmulatorState;
  faults: FaultSettings;
  service: ServiceName;
  operation: string;
  requestId: string;
  /** The region the caller signed for (the SigV4 credential scope, checked before the handler runs). */
  region: string;
  /** Limits the handler enforces itself; Infinity when the emulator runs without rate limits. */
  limits: { maxCreateAssignmentsInProgress: number };
}

/**
 * One operation. The input has already been checked against the model (required members present, patterns,
 * lengths, ranges, enums), so a handler checks only semantics. It returns the output structure (members as the
 * model names them; Date for timestamps) or throws AwsServiceError.
 */
export type OperationHandler = (input: Record<string, unknown>, ctx: OperationContext) => unknown;

export type ServiceHandlers = Record<string, OperationHandler>;

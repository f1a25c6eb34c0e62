/** An action offered next to an error message, e.g. "Open Settings". */
export interface ErrorAction {
  title: string;
  command: string;
  args?: unknown[];
}

/**
 * A failure the user can act on. Its message is shown as is (no stack trace), with the actions as buttons.
 * Everything else that escapes a command is reported as "<command> failed: <first line of the message>".
 */
export class UserFacingError extends Error {
  readonly actions: ErrorAction[];
  /** A brand, not instanceof: lazily loaded bundles (dist/docker.js, …) carry their own copy of this class. */
  readonly userFacing = true;

  constructor(message: string, options: { actions?: ErrorAction[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserFacingError';
    this.actions = options.actions ?? [];
  }
}

export function isUserFacingError(error: unknown): error is UserFacingError {
  return error instanceof Error && (error as Partial<UserFacingError>).userFacing === true && Array.isArray((error as Partial<UserFacingError>).actions);
}

/** The first line of an error's message, for showing; stacks and causes go to the log only. */
export function shortMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? 'unknown error';
  return firstLine.length > 300 ? `${firstLine.slice(0, 297)}...` : firstLine;
}

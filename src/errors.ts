/** Base of every error the job raises on purpose. */
export class JobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "JobError";
  }
}

/** Bad configuration or arguments: fatal, exit code 2. `problems` names each bad field. */
export class ConfigError extends JobError {
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`, options);
    this.name = "ConfigError";
  }
}

/** A call to an outside system failed. */
export class UpstreamError extends JobError {
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly retryable: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${service} ${operation}: ${message}`, options);
    this.name = "UpstreamError";
  }
}

/** A write lost a race: the object changed (or exists) since we read it. */
export class PreconditionFailedError extends JobError {
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`precondition failed for ${key}: it was changed by someone else`, options);
    this.name = "PreconditionFailedError";
  }
}

/** A bug: something that cannot happen happened. */
export class InvariantError extends JobError {
  constructor(message: string) {
    super(message);
    this.name = "InvariantError";
  }
}

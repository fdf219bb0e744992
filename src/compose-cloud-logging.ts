/**
 * Part of the composition root: builds the Cloud Logging client (`Logging`) and the source that
 * reads with it, from the validated Config. The contract tests build it the same way, against
 * a loopback peer.
 */
import { Logging } from "@google-cloud/logging";
import type { Logger } from "pino";
import { CloudLoggingSource } from "./adapters/cloud-logging/source";
import { readsPerMinuteOfTask, type RequestPacer } from "./adapters/cloud-logging/pacer";
import type { CloudLoggingRetry } from "./adapters/cloud-logging/retry";
import type { Config } from "./config";
import { UpstreamError } from "./errors";

/**
 * The HTTP/2 flow-control window the gRPC channel opens for a response: 1 MiB, about a page of
 * 1,000 entries. With the default 64 KiB the server stops after every 64 KiB until the client
 * has read it and said so, a round trip each: sixteen per page, which over a real network
 * bounds the read by latency rather than bandwidth. The window bounds what may be buffered
 * unread: one page.
 */
export const LOGGING_FLOW_CONTROL_WINDOW = 1024 * 1024;

/** The slice of Config the source reads. */
export type CloudLoggingConfig = Pick<
  Config,
  | "project"
  | "taskCount"
  | "includeStderr"
  | "loggerLevels"
  | "extraFilter"
  | "excludeLogs"
  | "loggingPageSize"
  | "loggingReadsPerMinute"
  | "loggingRetries"
  | "loggingRetryDelayMs"
  | "loggingRetryMaxDelayMs"
  | "loggingTimeoutMs"
>;

export interface CloudLoggingOverrides {
  /** A loopback peer in tests; the real endpoint otherwise. */
  readonly apiEndpoint?: string;
  readonly port?: number;
  /** grpc ChannelCredentials, e.g. `grpc.credentials.createInsecure()` for the test peer. */
  readonly sslCreds?: unknown;
  readonly retry?: Partial<CloudLoggingRetry>;
  readonly readsPerMinute?: number;
  readonly logger?: Pick<Logger, "debug" | "info" | "warn">;
  /** For tests: the pacer, the backoff's sleep and its jitter. */
  readonly pacer?: RequestPacer;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export function createCloudLoggingSource(config: CloudLoggingConfig, overrides: CloudLoggingOverrides = {}): CloudLoggingSource {
  const projectId = config.project;
  if (!projectId) throw new UpstreamError("cloud-logging", "configure", false, "no project configured (LOG_GARDENER_PROJECT)");
  const logging = new Logging({
    projectId,
    // google-gax hands grpc-node.* options to the channel.
    "grpc-node.flow_control_window": LOGGING_FLOW_CONTROL_WINDOW,
    ...(overrides.apiEndpoint !== undefined
      ? {
          apiEndpoint: overrides.apiEndpoint,
          port: overrides.port,
          sslCreds: overrides.sslCreds,
          // Without it the client asks the metadata server which universe it is in.
          universeDomain: "googleapis.com",
        }
      : {}),
  } as ConstructorParameters<typeof Logging>[0]);
  // The quota is per project: the tasks of one execution share it.
  const readsPerMinute = overrides.readsPerMinute ?? readsPerMinuteOfTask(config.loggingReadsPerMinute, config.taskCount);
  return new CloudLoggingSource({
    logging,
    projectId,
    pageSize: config.loggingPageSize,
    readsPerMinute,
    retry: {
      retries: config.loggingRetries,
      initialDelayMs: config.loggingRetryDelayMs,
      maxDelayMs: config.loggingRetryMaxDelayMs,
      timeoutMs: config.loggingTimeoutMs,
      ...overrides.retry,
    },
    includeStderr: config.includeStderr,
    loggerLevels: config.loggerLevels,
    extraFilter: config.extraFilter,
    excludeLogIds: config.excludeLogs,
    logger: overrides.logger,
    pacer: overrides.pacer,
    sleep: overrides.sleep,
    random: overrides.random,
  });
}

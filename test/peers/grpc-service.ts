/**
 * A gRPC service definition loaded from the protos an installed client package really ships,
 * so a peer speaks exactly the wire format the client does. Shared by the logging and
 * monitoring peers.
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

/** `servicePath`: the service's full name, e.g. "google.logging.v2.LoggingServiceV2". */
export function loadGrpcService(protoFile: string, includeDirs: string[], servicePath: string): grpc.ServiceDefinition {
  const definition = protoLoader.loadSync(protoFile, {
    includeDirs,
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  let node: unknown = grpc.loadPackageDefinition(definition);
  for (const part of servicePath.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  const service = (node as { service?: grpc.ServiceDefinition } | undefined)?.service;
  if (!service) throw new Error(`${protoFile} defines no service ${servicePath}`);
  return service;
}

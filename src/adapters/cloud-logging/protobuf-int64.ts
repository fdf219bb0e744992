import protobuf from "protobufjs";

/**
 * Has protobufjs (one instance, shared by google-gax and @grpc/proto-loader) decode int64
 * fields as numbers rather than long.js `Long` objects. The client asks for int64 as strings
 * (google-gax loads its protos with `longs: String`), so every Timestamp's and Duration's
 * `seconds` and every HttpRequest size was decoded into a `Long` and then printed through
 * `Long.prototype.toString`: the library's costliest conversion, a fifth of the
 * young-generation garbage of a read. As numbers they print through `String(n)`: the same
 * decimal text for every value below 2^53 (seconds until the year 285,000,000; sizes up to
 * 8 PiB). Nothing in this process needs a `Long`: the bucket is reached over JSON, GitHub over
 * REST. Returns whether it changed the setting.
 */
export function decodeInt64AsNumbers(): boolean {
  if (protobuf.util.Long === null) return false;
  protobuf.util.Long = null as unknown as typeof protobuf.util.Long;
  protobuf.configure();
  return true;
}

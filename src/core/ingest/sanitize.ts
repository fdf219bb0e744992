// Any character one of the replacements below would touch; most texts have none and are
// returned as they are, after one scan.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_SANITIZING = /[\u0000-\u0008\u000b-\u001f\u007f\ud800-\udfff]/;

/** ANSI escapes are dropped; other control characters (except newline and tab) and lone surrogates become U+FFFD; CRLF becomes LF. */
export function sanitizeText(text: string): string {
  if (!NEEDS_SANITIZING.test(text)) return text;
  return (
    text
      .replace(/\r\n?/g, "\n")
      // ANSI colors and cursor moves from terminal loggers: gone, so colored and plain lines cluster together.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "")
      .replace(
        // eslint-disable-next-line no-control-regex -- matching control characters is the point
        /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
        "\ufffd",
      )
  );
}

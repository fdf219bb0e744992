/**
 * The value of a JSON object read back from the store, or undefined when its text is not JSON
 * (torn, edited by hand, another program's): the reader's schema then says what is wrong.
 */
export function parseStoredJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * JSON text in chunks: `JSON.stringify(value, null, space)` exactly, with the array under one
 * top-level key printed element by element. Each iteration prints the chunks again, one at a
 * time, so a document of thousands of clusters can be written (and hashed, and compared)
 * element by element and never becomes one string of tens of megabytes.
 */

/** Stands in for the array while the rest of the document is printed; spliced out below. */
const SLOT = "\u0000chunked\u0000";

export function jsonChunks<T extends object>(value: T, key: keyof T & string, space: 0 | 2, trailer = ""): Iterable<string> {
  const items = value[key];
  if (!Array.isArray(items)) throw new TypeError(`jsonChunks: ${key} is not an array`);
  const text = JSON.stringify(
    value,
    function (this: unknown, k, v: unknown) {
      return this === value && k === key ? SLOT : v;
    },
    space,
  );
  // The top-level key, at the top level's indentation (none when compact, where a value nested
  // deeper is preceded by its own key or an array, never by the document's opening "{" or ",").
  const slotValue = JSON.stringify(SLOT);
  const slot = space === 2 ? `\n  ${JSON.stringify(key)}: ${slotValue}` : `${JSON.stringify(key)}:${slotValue}`;
  const at = topLevelIndex(text, slot, space);
  const head = text.slice(0, at + slot.length - slotValue.length);
  const tail = `${text.slice(at + slot.length)}${trailer}`;
  // An element printed inside a one-element array at the array's depth, then cut out: the
  // indentation comes from JSON.stringify itself, and the chunk is one flat string.
  const open = space === 2 ? `{\n  ${JSON.stringify(key)}: [\n` : `{${JSON.stringify(key)}:[`;
  const close = space === 2 ? "\n  ]\n}" : "]}";
  const between = space === 2 ? ",\n" : ",";
  return {
    *[Symbol.iterator]() {
      yield head;
      if (items.length === 0) {
        yield "[]";
        yield tail;
        return;
      }
      yield space === 2 ? "[\n" : "[";
      for (let i = 0; i < items.length; i++) {
        if (i > 0) yield between;
        const printed = JSON.stringify({ [key]: [items[i]] }, null, space);
        yield printed.slice(open.length, printed.length - close.length);
      }
      yield space === 2 ? "\n  ]" : "]";
      yield tail;
    },
  };
}

/**
 * Where the top-level key's slot starts. Indented, no deeper value matches the slot's leading
 * newline and two spaces. Compact, the slot is found at depth 1 by scanning strings and nesting.
 */
function topLevelIndex(text: string, slot: string, space: 0 | 2): number {
  if (space === 2) return text.indexOf(slot);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      if (depth === 1 && text.startsWith(slot, i) && (text[i - 1] === "{" || text[i - 1] === ",")) return i;
      inString = true;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
  }
  return -1;
}

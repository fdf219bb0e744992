const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})$/;

/** RFC 3339 with up to nanoseconds and any offset → epoch ms (floored). Undefined if invalid. */
// Entries mostly come in timestamp order, many to a second: the last UTC second parsed is kept
// (a pure memo, same result either way) and a timestamp in the same second, ending in Z, is
// read from its fraction alone.
let memoSecondText = "";
let memoSecondMs = 0;

/** "YYYY-MM-DDTHH:MM:SS" of the memo, then nothing or "." and 1 to 9 digits, then "Z". */
function inMemoSecond(text: string): number | undefined {
  const n = text.length;
  if (n < 20 || n > 30 || !text.startsWith(memoSecondText) || memoSecondText === "") return undefined;
  const last = text.charCodeAt(n - 1);
  if (last !== 90 && last !== 122) return undefined; // Z z
  if (n === 20) return memoSecondMs;
  const dot = text.charCodeAt(19);
  if ((dot !== 46 && dot !== 44) || n === 21) return undefined; // . ,
  let millis = 0;
  for (let i = 20; i < n - 1; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    if (i < 23) millis = millis * 10 + d;
  }
  for (let i = n - 1; i < 23; i++) millis *= 10; // fewer than 3 digits
  return memoSecondMs + millis;
}

export function parseTimestamp(text: string): number | undefined {
  const memo = inMemoSecond(text);
  if (memo !== undefined) return memo;
  const parsed = parseTimestampText(text);
  if (parsed !== undefined && text.length >= 20 && (text.endsWith("Z") || text.endsWith("z"))) {
    const prefix = text.slice(0, 19);
    if (/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d$/.test(prefix)) {
      memoSecondText = prefix;
      memoSecondMs = parsed - (parsed % 1000 + 1000) % 1000;
    }
  }
  return parsed;
}

/** parseTimestamp without the memo (the property test holds the two equal). */
export function parseTimestampText(text: string): number | undefined {
  const m = RFC3339.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  let offsetMinutes = 0;
  const zone = m[8] ?? "Z";
  if (zone !== "Z" && zone !== "z") {
    const digits = zone.replace(":", "");
    const sign = digits.startsWith("-") ? -1 : 1;
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis);
  return utc - offsetMinutes * 60_000;
}

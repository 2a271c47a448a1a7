// Times (spec §1): RFC 3339 strings as Go's time.Time writes them
// (fractional seconds only when non-zero, without trailing zeros; offset
// "Z" or ±hh:mm, never +00:00). Instants are BigInt nanoseconds since 1970.

const CANON = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** daysFromCivil returns the days from 1970-01-01 to the proleptic Gregorian date y-m-d. */
export function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** civilFromDays is the inverse of daysFromCivil: [y, m, d]. */
export function civilFromDays(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [m <= 2 ? y + 1 : y, m, d];
}

export function daysInMonth(y, m) {
  return [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function build(m) {
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  const frac = m[7] ? BigInt(m[7].padEnd(9, '0')) : 0n;
  let off = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) return null;
    off = (oh * 60 + om) * (m[8][0] === '-' ? -1 : 1);
  }
  const sec = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off * 60;
  return BigInt(sec) * 1000000000n + frac;
}

/**
 * parseTime reads a time in the form Go writes (spec §1) and returns its
 * instant, or null when the text is not in that exact form (a value Go
 * would re-encode differently, e.g. "+00:00" or ".500").
 */
export function parseTime(s) {
  if (typeof s !== 'string') return null;
  const m = CANON.exec(s);
  if (!m) return null;
  if (m[7] && m[7].endsWith('0')) return null;
  if (m[8] === '+00:00' || m[8] === '-00:00') return null;
  return build(m);
}

/** isUTC reports whether a canonical time string is written in UTC ("Z"). */
export function isUTC(s) {
  return typeof s === 'string' && s.endsWith('Z');
}

/**
 * parseRFC3339 reads any RFC 3339 instant the way Go's time.Parse with
 * layout RFC3339Nano does for the values a registry file holds (fraction of
 * any length up to 9 digits, Z or ±hh:mm). It returns null otherwise.
 */
export function parseRFC3339(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  return m ? build(m) : null;
}

/** formatUTC writes an instant as Go's "2006-01-02T15:04:05.999999999Z07:00" in UTC. */
export function formatUTC(ns) {
  let sec = ns / 1000000000n;
  let frac = ns % 1000000000n;
  if (frac < 0n) {
    frac += 1000000000n;
    sec -= 1n;
  }
  const secN = Number(sec);
  const days = Math.floor(secN / 86400);
  const rem = secN - days * 86400;
  const [y, m, d] = civilFromDays(days);
  const p2 = (x) => String(x).padStart(2, '0');
  let s = `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}T${p2(Math.floor(rem / 3600))}:${p2(Math.floor((rem % 3600) / 60))}:${p2(rem % 60)}`;
  if (frac !== 0n) s += '.' + String(frac).padStart(9, '0').replace(/0+$/, '');
  return s + 'Z';
}

/** utcDate returns [y, m, d], the UTC calendar date of an instant. */
export function utcDate(ns) {
  const sec = ns / 1000000000n - (ns % 1000000000n < 0n ? 1n : 0n);
  return civilFromDays(Math.floor(Number(sec) / 86400));
}

/** yearInChina returns the calendar year of an instant in China Standard Time (UTC+8). */
export function yearInChina(ns) {
  return utcDate(ns + 8n * 3600n * 1000000000n)[0];
}

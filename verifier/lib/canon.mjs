// RFC 8785 canonical JSON for ssj's subset (no floats), and a strict parser
// (spec §1: no floating-point number appears anywhere; counts are integers of
// at most 2^53).

const MAX = 2 ** 53;

/** JSONError is a document that is not JSON of ssj's subset. */
export class JSONError extends Error {
  constructor(msg, kind = 'syntax') {
    super(msg);
    /** kind is 'syntax' (not one JSON document) or 'number' (valid JSON with a float or an integer beyond 2^53). */
    this.kind = kind;
  }
}

function numberError(text, msg) {
  // Valid JSON with a number outside the subset is a 'number' problem; text
  // that is not JSON at all stays a syntax error.
  try {
    JSON.parse(text);
  } catch (e) {
    return new JSONError(e.message);
  }
  return new JSONError(msg, 'number');
}

/**
 * parseStrict parses JSON text and refuses numbers with a fraction or an
 * exponent, integers beyond 2^53, and trailing data (JSON.parse already
 * refuses the latter).
 */
export function parseStrict(text) {
  // Scan the number tokens outside strings before JSON.parse, which would
  // read 1.0 as 1 and round integers beyond 2^53.
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip a string
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i;
      while (j < n && /[-+0-9.eE]/.test(text[j])) j++;
      const tok = text.slice(i, j);
      if (/[.eE]/.test(tok)) throw numberError(text, `floating-point number ${tok} at offset ${i}`);
      // Compared exactly: Number() would round 2^53 + 1 down to 2^53.
      if (tok.length > 15 && /^-?[0-9]+$/.test(tok) && (BigInt(tok) > 2n ** 53n || BigInt(tok) < -(2n ** 53n))) {
        throw numberError(text, `integer ${tok} at offset ${i} is beyond 2^53`);
      }
      i = j - 1;
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new JSONError(e.message);
  }
}

/** canonical returns the RFC 8785 text of v (objects, arrays, strings, booleans, null, integers). */
export function canonical(v) {
  const parts = [];
  write(v, parts);
  return parts.join('');
}

function write(v, out) {
  if (v === null || typeof v === 'boolean') {
    out.push(String(v));
  } else if (typeof v === 'number') {
    if (!Number.isInteger(v) || Math.abs(v) > MAX) throw new JSONError(`number ${v} is not an integer of at most 2^53`);
    out.push(String(v));
  } else if (typeof v === 'string') {
    // ECMAScript JSON.stringify is the string serialisation RFC 8785 prescribes.
    out.push(JSON.stringify(v));
  } else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i) out.push(',');
      write(v[i], out);
    }
    out.push(']');
  } else if (typeof v === 'object') {
    // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(v[k], out);
    });
    out.push('}');
  } else {
    throw new JSONError(`value of type ${typeof v} has no JSON form`);
  }
}

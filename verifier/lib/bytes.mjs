// Byte helpers (docs/draw-spec.md §1): UTF-8, lower-case hex, lp(x), byte order.

const enc = new TextEncoder();

/** utf8 returns the UTF-8 bytes of s. */
export function utf8(s) {
  return enc.encode(s);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** hex returns the lower-case hex of bytes. */
export function hex(b) {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return s;
}

/** unhex decodes lower-case hex; it returns null for anything else. */
export function unhex(s) {
  if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-f]*$/.test(s)) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

/** concat joins byte arrays. */
export function concat(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** lp returns the 4-byte big-endian length of x followed by x (x: bytes or string). */
export function lp(x) {
  const b = typeof x === 'string' ? utf8(x) : x;
  const out = new Uint8Array(4 + b.length);
  new DataView(out.buffer).setUint32(0, b.length);
  out.set(b, 4);
  return out;
}

/** cmpBytes compares two byte arrays as unsigned bytes (a shorter prefix first). */
export function cmpBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * cmpStr compares two strings in UTF-8 byte order (spec §1). JavaScript's
 * `<` compares UTF-16 code units, which differs from byte order only when a
 * supplementary character (surrogate pair) meets a character U+E000–U+FFFF.
 */
export function cmpStr(a, b) {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (D800–DFFF) encode code points above FFFF, which sort after E000–FFFF in UTF-8.
      const xs = x <= 0xdfff;
      const ys = y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** isWellFormed reports whether s has no lone surrogates (i.e. is valid UTF-8 once encoded). */
export function isWellFormed(s) {
  if (typeof s.isWellFormed === 'function') return s.isWellFormed();
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/**
 * rankOrder returns the indices of ranks (32 bytes each, concatenated) in
 * ascending rank order, equal ranks by label byte order (§7); with limit,
 * only the first `limit` of that order.
 */
export function rankOrder(ranks, labels, limit = labels.length) {
  const n = labels.length;
  const key = new Float64Array(n); // the first 6 bytes, exact in a double
  for (let j = 0; j < n; j++) {
    const o = 32 * j;
    key[j] = ((((ranks[o] * 256 + ranks[o + 1]) * 256 + ranks[o + 2]) * 256 + ranks[o + 3]) * 256 + ranks[o + 4]) * 256 + ranks[o + 5];
  }
  let idx;
  if (limit <= 0) return [];
  if (limit < n) {
    // Keep the candidates whose key is at most the limit-th smallest key
    // (a native numeric sort finds it), then order only those.
    const sorted = key.slice().sort();
    const cut = sorted[limit - 1];
    idx = [];
    for (let j = 0; j < n; j++) if (key[j] <= cut) idx.push(j);
  } else {
    idx = Array.from({ length: n }, (_, j) => j);
  }
  idx.sort((a, b) => {
    const d = key[a] - key[b];
    if (d !== 0) return d;
    for (let i = 6; i < 32; i++) {
      const e = ranks[32 * a + i] - ranks[32 * b + i];
      if (e !== 0) return e;
    }
    return cmpStr(labels[a], labels[b]);
  });
  return idx.length > limit ? idx.slice(0, limit) : idx;
}

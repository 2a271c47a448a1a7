// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) in plain JavaScript, for
// the bulk of a draw's hashing: hundreds of thousands of Merkle leaves and
// ranks, where one WebCrypto promise per hash (about 10 µs each) would make
// a 100k-target draw take seconds. Small, synchronous and allocation-free;
// hash.mjs checks it against WebCrypto once at start-up, and the tests run
// every vector through both.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const W = new Int32Array(64);

// compress absorbs the 64-byte block b[o..o+64) into state h.
function compress(h, b, o) {
  for (let i = 0; i < 16; i++, o += 4) W[i] = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15];
    const y = W[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = bb;
    bb = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + bb) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + hh) | 0;
}

/**
 * MDHash is an incremental Merkle–Damgård hash with 64-byte blocks, a
 * 32-byte state of eight big-endian words and SHA-256's padding (0x80,
 * zeros, the 64-bit big-endian bit length), which SM3 shares; reuse one
 * instance with reset().
 */
export class MDHash {
  constructor(compressFn, iv) {
    this.compress = compressFn;
    this.iv = iv;
    this.h = new Int32Array(8);
    this.buf = new Uint8Array(64);
    this.reset();
  }

  reset() {
    this.h.set(this.iv);
    this.n = 0; // bytes buffered
    this.len = 0; // total bytes
    return this;
  }

  /** update absorbs b[off..off+len). */
  update(b, off = 0, len = b.length - off) {
    this.len += len;
    const buf = this.buf;
    if (this.n > 0) {
      const k = Math.min(64 - this.n, len);
      buf.set(b.subarray(off, off + k), this.n);
      this.n += k;
      off += k;
      len -= k;
      if (this.n < 64) return this;
      this.compress(this.h, buf, 0);
      this.n = 0;
    }
    while (len >= 64) {
      this.compress(this.h, b, off);
      off += 64;
      len -= 64;
    }
    if (len > 0) {
      buf.set(b.subarray(off, off + len), 0);
      this.n = len;
    }
    return this;
  }

  /** updateByte absorbs one byte. */
  updateByte(x) {
    this.buf[this.n++] = x;
    this.len++;
    if (this.n === 64) {
      this.compress(this.h, this.buf, 0);
      this.n = 0;
    }
    return this;
  }

  /** digestInto writes the 32-byte digest to out[o..o+32). */
  digestInto(out, o = 0) {
    const buf = this.buf;
    const bits = this.len * 8;
    buf[this.n++] = 0x80;
    if (this.n > 56) {
      buf.fill(0, this.n);
      this.compress(this.h, buf, 0);
      this.n = 0;
    }
    buf.fill(0, this.n, 56);
    const hi = Math.floor(bits / 0x100000000);
    buf[56] = hi >>> 24;
    buf[57] = hi >>> 16;
    buf[58] = hi >>> 8;
    buf[59] = hi;
    buf[60] = bits >>> 24;
    buf[61] = bits >>> 16;
    buf[62] = bits >>> 8;
    buf[63] = bits;
    this.compress(this.h, buf, 0);
    for (let i = 0; i < 8; i++) {
      const v = this.h[i];
      out[o + 4 * i] = v >>> 24;
      out[o + 4 * i + 1] = v >>> 16;
      out[o + 4 * i + 2] = v >>> 8;
      out[o + 4 * i + 3] = v;
    }
    return out;
  }

  /** digest returns a new 32-byte digest. */
  digest() {
    return this.digestInto(new Uint8Array(32));
  }
}

/** Sha256 is an incremental SHA-256 (FIPS 180-4). */
export class Sha256 extends MDHash {
  constructor() {
    super(compress, IV);
  }
}

/**
 * Hmac computes HMAC (RFC 2104, 64-byte blocks) over the MDHash class Hash
 * under one key, with the padded key blocks absorbed once.
 */
export class Hmac {
  constructor(Hash, key) {
    let k = key;
    if (k.length > 64) k = new Hash().update(k).digest();
    const pad = new Uint8Array(64);
    pad.set(k);
    const ipad = pad.map((x) => x ^ 0x36);
    const opad = pad.map((x) => x ^ 0x5c);
    this.inner0 = new Hash().update(ipad).h.slice();
    this.outer0 = new Hash().update(opad).h.slice();
    this.s = new Hash();
    this.tmp = new Uint8Array(32);
  }

  /** begin starts a message; feed it with update() and finish with finishInto(). */
  begin() {
    const s = this.s;
    s.h.set(this.inner0);
    s.n = 0;
    s.len = 64;
    return s;
  }

  /** finishInto writes the MAC of the message begun with begin() to out[o..o+32). */
  finishInto(out, o = 0) {
    const s = this.s;
    s.digestInto(this.tmp, 0);
    s.h.set(this.outer0);
    s.n = 0;
    s.len = 64;
    s.update(this.tmp, 0, 32);
    return s.digestInto(out, o);
  }

  /** mac returns HMAC(key, m) as a new array. */
  mac(m) {
    this.begin().update(m);
    return this.finishInto(new Uint8Array(32));
  }
}

/** HmacSha256 computes HMAC-SHA256 under one key. */
export class HmacSha256 extends Hmac {
  constructor(key) {
    super(Sha256, key);
  }
}

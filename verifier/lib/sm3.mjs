// SM3 (GB/T 32905-2016, 密码杂凑算法) and HMAC-SM3 (RFC 2104 over SM3, as
// GM/T 0042-2015), in plain JavaScript, written from the standard: the hash
// H and keyed hash HMAC of the national crypto suite ssj-v1-sm
// (docs/draw-spec.md Appendix H.2). WebCrypto has no SM3, so every SM3
// hash goes through this file; test/sm.test.mjs checks it on the
// standard's Appendix A examples and GM/T 0042's HMAC vectors.

import { MDHash, Hmac } from './sha256.mjs';

// §4.1 initial value IV.
const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];
// §4.2 constants T_j rotated left by j mod 32 (used only so, in SS1).
const TR = new Int32Array(64);
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const r = j % 32;
  TR[j] = r === 0 ? t : (t << r) | (t >>> (32 - r));
}
const W = new Int32Array(68);

const rotl = (x, n) => (x << n) | (x >>> (32 - n));

// compress is the compression function CF (§5.3.3) with the message
// expansion (§5.3.2): V(i+1) = CF(V(i), B(i)), h holding V as eight words.
function compress(h, b, o) {
  for (let i = 0; i < 16; i++, o += 4) W[i] = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
  for (let j = 16; j < 68; j++) {
    const x = W[j - 16] ^ W[j - 9] ^ rotl(W[j - 3], 15);
    W[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl(W[j - 13], 7) ^ W[j - 6]; // P1(x) ^ …
  }
  let a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (let j = 0; j < 64; j++) {
    const a12 = rotl(a, 12);
    const ss1 = rotl((a12 + e + TR[j]) | 0, 7);
    const ss2 = ss1 ^ a12;
    const w1 = W[j] ^ W[j + 4]; // W'_j
    let tt1, tt2;
    if (j < 16) {
      tt1 = ((a ^ bb ^ c) + d + ss2 + w1) | 0;
      tt2 = ((e ^ f ^ g) + hh + ss1 + W[j]) | 0;
    } else {
      tt1 = (((a & bb) | (a & c) | (bb & c)) + d + ss2 + w1) | 0;
      tt2 = (((e & f) | (~e & g)) + hh + ss1 + W[j]) | 0;
    }
    d = c;
    c = rotl(bb, 9);
    bb = a;
    a = tt1;
    hh = g;
    g = rotl(f, 19);
    f = e;
    e = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17); // P0(TT2)
  }
  h[0] ^= a;
  h[1] ^= bb;
  h[2] ^= c;
  h[3] ^= d;
  h[4] ^= e;
  h[5] ^= f;
  h[6] ^= g;
  h[7] ^= hh;
}

/** Sm3 is an incremental SM3 (GB/T 32905-2016); same interface as Sha256. */
export class Sm3 extends MDHash {
  constructor() {
    super(compress, IV);
  }
}

/** HmacSm3 computes HMAC-SM3 (GM/T 0042-2015) under one key. */
export class HmacSm3 extends Hmac {
  constructor(key) {
    super(Sm3, key);
  }
}

/** sm3 returns SM3(b) as a new 32-byte array. */
export function sm3(b) {
  return new Sm3().update(b).digest();
}

// SM2 signature verification (GB/T 32918.2-2016 §7, 数字签名算法) over the
// recommended curve sm2p256v1 (GB/T 32918.5-2017), with SM3 and the signer's
// Z_A computed from the default user ID "1234567812345678" (GM/T 0009-2012):
// the signature scheme of the national suite ssj-v1-sm (docs/draw-spec.md
// Appendix H.2). Written from the standard; the point arithmetic is
// @noble/curves' short Weierstrass curve (already the drand dependency),
// given the standard's parameters. test/sm.test.mjs checks it on the
// signature example of GB/T 32918.2 Annex A.

import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { Sm3 } from './sm3.mjs';

const big = (s) => BigInt('0x' + s.replace(/\s+/g, ''));

/** SM2P256V1 are the parameters of the recommended curve (GB/T 32918.5-2017). */
export const SM2P256V1 = {
  p: big('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF'),
  a: big('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFC'),
  b: big('28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93'),
  n: big('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123'),
  h: 1n,
  Gx: big('32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7'),
  Gy: big('BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0'),
};

/** DEFAULT_UID is the default user ID of GM/T 0009-2012. */
export const DEFAULT_UID = new TextEncoder().encode('1234567812345678');

let PointCons;
/** sm2Point returns the point class of sm2p256v1 (@noble/curves' weierstrass). */
export function sm2Point() {
  return Point();
}

function Point() {
  if (!PointCons) PointCons = weierstrass(SM2P256V1);
  return PointCons;
}

const be32 = (x) => {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
};
const toBig = (b) => {
  let x = 0n;
  for (const v of b) x = (x << 8n) | BigInt(v);
  return x;
};

/**
 * za returns Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A)
 * (GB/T 32918.2 §5.5) for the 65-byte uncompressed public key pub.
 */
export function za(pub, uid = DEFAULT_UID) {
  const c = SM2P256V1;
  const bits = uid.length * 8;
  const s = new Sm3().update(Uint8Array.of(bits >> 8, bits & 0xff)).update(uid);
  for (const v of [c.a, c.b, c.Gx, c.Gy]) s.update(be32(v));
  return s.update(pub.subarray(1, 65)).digest();
}

/**
 * parseDER reads the DER SEQUENCE {INTEGER r, INTEGER s} (GM/T 0009) and
 * returns [r, s], or null when the bytes are not exactly that (minimal
 * lengths and integer encodings).
 */
export function parseDER(sig) {
  let i = 0;
  const len = () => {
    if (i >= sig.length) return -1;
    const l = sig[i++];
    if (l < 0x80) return l;
    if (l !== 0x81 || i >= sig.length || sig[i] < 0x80) return -1;
    return sig[i++];
  };
  if (sig[i++] !== 0x30) return null;
  const total = len();
  if (total < 0 || i + total !== sig.length) return null;
  const int = () => {
    if (sig[i++] !== 0x02) return null;
    const l = len();
    if (l < 1 || i + l > sig.length) return null;
    const b = sig.subarray(i, i + l);
    if (b[0] & 0x80) return null; // negative
    if (l > 1 && b[0] === 0 && !(b[1] & 0x80)) return null; // not minimal
    i += l;
    return toBig(b);
  };
  const r = int();
  const s = r === null ? null : int();
  if (r === null || s === null || i !== sig.length) return null;
  return [r, s];
}

/**
 * verifySM2 checks an SM2 signature (DER) of msg under the 65-byte
 * uncompressed public key pub (04 ‖ X ‖ Y) with the default user ID
 * (GB/T 32918.2 §7.1): r, s in [1, n−1]; e = SM3(Z_A ‖ M); t = r + s mod n
 * not 0; (x1, y1) = s·G + t·P_A; R = e + x1 mod n must equal r. It returns
 * true or false, never throws on bad input.
 */
export function verifySM2(pub, msg, sig, uid = DEFAULT_UID) {
  const { n } = SM2P256V1;
  if (!(pub instanceof Uint8Array) || pub.length !== 65 || pub[0] !== 4) return false;
  const rs = parseDER(sig);
  if (!rs) return false;
  const [r, s] = rs;
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const P = Point();
  let PA;
  try {
    PA = P.fromBytes(pub);
    PA.assertValidity();
  } catch {
    return false;
  }
  const e = toBig(new Sm3().update(za(pub, uid)).update(msg).digest());
  const t = (r + s) % n;
  if (t === 0n) return false;
  const X = P.BASE.multiplyUnsafe(s).add(PA.multiplyUnsafe(t));
  if (X.is0()) return false;
  return (e + X.toAffine().x) % n === r;
}

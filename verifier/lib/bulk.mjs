// The bulk hashing of a draw, shared by this thread and the helper thread
// (worker.mjs): Merkle subtrees over leaf bytes and rank HMACs, under the
// hash of a crypto suite (Appendix H) named by `alg`.

import { Sha256, HmacSha256 } from './sha256.mjs';
import { Sm3, HmacSm3 } from './sm3.mjs';

/** BULK maps a suite name to its hash and HMAC classes. */
export const BULK = {
  'ssj-v1': { Hash: Sha256, Hmac: HmacSha256 },
  'ssj-v1-sm': { Hash: Sm3, Hmac: HmacSm3 },
};

function bulk(alg) {
  const b = BULK[alg];
  if (!b) throw new Error(`ssj-verify: unknown crypto suite ${JSON.stringify(alg)}`);
  return b;
}

/**
 * reduceLevel builds the RFC 6962 tree over m node hashes in level (32
 * bytes each, overwritten): pairs are hashed as H(0x01 || left || right)
 * and an odd last node is carried up; it returns the root.
 */
export function reduceLevel(alg, level, m) {
  const s = new (bulk(alg).Hash)();
  const node = new Uint8Array(65);
  node[0] = 1;
  while (m > 1) {
    const half = m >> 1;
    for (let i = 0; i < half; i++) {
      node.set(level.subarray(64 * i, 64 * i + 64), 1);
      s.reset().update(node, 0, 65);
      s.digestInto(level, 32 * i);
    }
    if (m % 2 === 1) level.copyWithin(32 * half, 32 * (m - 1), 32 * m);
    m = half + (m % 2);
  }
  return level.slice(0, 32);
}

/**
 * subtreeRoot returns the RFC 6962 root over the leaves in buf, leaf i
 * being buf[offs[i]..offs[i+1]) (leaf hash H(0x00 || leaf)); at least one leaf.
 */
export function subtreeRoot(alg, buf, offs) {
  const n = offs.length - 1;
  const level = new Uint8Array(32 * n);
  const s = new (bulk(alg).Hash)();
  for (let i = 0; i < n; i++) {
    s.reset().updateByte(0).update(buf, offs[i], offs[i + 1] - offs[i]);
    s.digestInto(level, 32 * i);
  }
  return reduceLevel(alg, level, n);
}

const enc = new TextEncoder();

/** rankChunk returns HMAC(key, prefix || lp(label)) for every label, 32 bytes each, concatenated. */
export function rankChunk(alg, key, prefix, labels) {
  const out = new Uint8Array(labels.length * 32);
  const h = new (bulk(alg).Hmac)(key);
  let buf = new Uint8Array(256);
  const len = new Uint8Array(4);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (buf.length < 3 * l.length) buf = new Uint8Array(3 * l.length + 64);
    const n = enc.encodeInto(l, buf).written;
    len[0] = n >>> 24;
    len[1] = n >>> 16;
    len[2] = n >>> 8;
    len[3] = n;
    const s = h.begin();
    s.update(prefix, 0, prefix.length);
    s.update(len, 0, 4);
    s.update(buf, 0, n);
    h.finishInto(out, 32 * i);
  }
  return out;
}

/**
 * pairRankChunk returns HMAC(key, prefix || lp(t) || lp(c)) for every
 * target t of targets and every c of certs (target-major), 32 bytes each.
 */
export function pairRankChunk(alg, key, prefix, targets, certs) {
  const out = new Uint8Array(targets.length * certs.length * 32);
  for (let i = 0; i < targets.length; i++) {
    const t = enc.encode(targets[i]);
    const tp = new Uint8Array(prefix.length + 4 + t.length);
    tp.set(prefix);
    new DataView(tp.buffer).setUint32(prefix.length, t.length);
    tp.set(t, prefix.length + 4);
    out.set(rankChunk(alg, key, tp, certs), i * certs.length * 32);
  }
  return out;
}

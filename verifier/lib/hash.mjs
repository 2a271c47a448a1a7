// Hashing backends. Single hashes (manifest hash, R, K, chain hash, groups
// and record hashes) go through WebCrypto (crypto.subtle), in node and in
// the browser alike. The bulk of a draw (one Merkle leaf per unit, one rank
// per eligible unit and per inspector and target) goes through sha256.mjs,
// plain synchronous JavaScript, because one WebCrypto promise per hash
// costs about 10 µs and a 100k-target draw needs several hundred thousand.
// makeHasher({webcrypto: true}) sends the bulk through WebCrypto too; the
// tests run every vector both ways, and every Hasher checks the plain
// implementation against WebCrypto once before its first use.

import { Sha256, HmacSha256 } from './sha256.mjs';
import { hex } from './bytes.mjs';

const BATCH = 2048;
const enc = new TextEncoder();

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) throw new Error('ssj-verify: WebCrypto (crypto.subtle) is not available');
  return s;
}

async function webSha(b) {
  return new Uint8Array(await subtle().digest('SHA-256', b));
}

async function webHmacMany(key, messages) {
  const s = subtle();
  const k = await s.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const out = new Array(messages.length);
  for (let lo = 0; lo < messages.length; lo += BATCH) {
    const part = await Promise.all(messages.slice(lo, lo + BATCH).map((m) => s.sign('HMAC', k, m)));
    for (let j = 0; j < part.length; j++) out[lo + j] = new Uint8Array(part[j]);
  }
  return out;
}

/** Hasher is the hashing backend of one verification; create one with makeHasher(). */
export class Hasher {
  constructor(webcrypto) {
    this.web = webcrypto;
    this.checked = false;
  }

  // selfCheck compares the plain implementation with WebCrypto once.
  async selfCheck() {
    if (this.checked || this.web) return;
    const m = enc.encode('ssj-v1 self-check: 双随机、一公开 '.repeat(5));
    const k = enc.encode('key');
    const a = hex(new Sha256().update(m).digest());
    const b = hex(await webSha(m));
    const c = hex(new HmacSha256(k).mac(m));
    const d = hex((await webHmacMany(k, [m]))[0]);
    if (a !== b || c !== d) throw new Error('ssj-verify: the built-in SHA-256 disagrees with WebCrypto');
    this.checked = true;
  }

  /** sha256 returns SHA-256(b) (WebCrypto). */
  async sha256(b) {
    return webSha(b);
  }

  /** hmac returns HMAC-SHA256(key, m) (WebCrypto). */
  async hmac(key, m) {
    return (await webHmacMany(key, [m]))[0];
  }

  /** hmacMany returns HMAC-SHA256(key, m) for every m of messages, in order. */
  async hmacMany(key, messages) {
    if (this.web) return webHmacMany(key, messages);
    await this.selfCheck();
    const h = new HmacSha256(key);
    return messages.map((m) => h.mac(m));
  }

  /**
   * ranks returns HMAC-SHA256(key, prefix || lp(label)) for every label,
   * concatenated (32 bytes each) in one array.
   */
  async ranks(key, prefix, labels) {
    const out = new Uint8Array(labels.length * 32);
    if (this.web) {
      const msgs = labels.map((l) => {
        const b = enc.encode(l);
        const m = new Uint8Array(prefix.length + 4 + b.length);
        m.set(prefix);
        new DataView(m.buffer).setUint32(prefix.length, b.length);
        m.set(b, prefix.length + 4);
        return m;
      });
      (await webHmacMany(key, msgs)).forEach((r, i) => out.set(r, 32 * i));
      return out;
    }
    await this.selfCheck();
    const h = new HmacSha256(key);
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
   * merkleRoot returns the RFC 6962 tree hash over n leaves, leaf i being
   * the bytes write(i, w) appends to the LeafWriter w: leaf hash SHA-256(0x00 || leaf), node
   * hash SHA-256(0x01 || left || right), SHA-256("") for no leaves.
   */
  async merkleRoot(n, write, w) {
    if (n === 0) return webSha(new Uint8Array(0));
    let level = new Uint8Array(n * 32);
    if (this.web) {
      const hs = [];
      for (let i = 0; i < n; i++) {
        w.reset();
        w.raw(Uint8Array.of(0));
        write(i, w);
        hs.push(webSha(w.buf.slice(0, w.n)));
      }
      (await Promise.all(hs)).forEach((h, i) => level.set(h, 32 * i));
    } else {
      await this.selfCheck();
      const s = new Sha256();
      for (let i = 0; i < n; i++) {
        w.reset();
        write(i, w);
        s.reset().updateByte(0).update(w.buf, 0, w.n);
        s.digestInto(level, 32 * i);
      }
    }
    let m = n;
    const node = new Uint8Array(65);
    node[0] = 1;
    const s = new Sha256();
    while (m > 1) {
      const half = m >> 1;
      if (this.web) {
        const msgs = [];
        for (let i = 0; i < half; i++) msgs.push(concat2(Uint8Array.of(1), level.subarray(64 * i, 64 * i + 64)));
        const hs = await Promise.all(msgs.map(webSha));
        hs.forEach((h, i) => level.set(h, 32 * i));
      } else {
        for (let i = 0; i < half; i++) {
          node.set(level.subarray(64 * i, 64 * i + 64), 1);
          s.reset().update(node, 0, 65);
          s.digestInto(level, 32 * i);
        }
      }
      if (m % 2 === 1) level.copyWithin(32 * half, 32 * (m - 1), 32 * m);
      m = half + (m % 2);
    }
    return level.slice(0, 32);
  }
}

function concat2(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** makeHasher returns a Hasher; webcrypto=true sends every hash through WebCrypto. */
export function makeHasher({ webcrypto = false } = {}) {
  return new Hasher(webcrypto);
}

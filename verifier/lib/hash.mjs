// Hashing backends of the crypto suites (docs/draw-spec.md Appendix H).
//
// A Hasher is bound to one suite: h() is the suite's H and hmac() its
// HMAC (ssj-v1: SHA-256 and HMAC-SHA256; ssj-v1-sm: SM3 and HMAC-SM3),
// while sha256() stays SHA-256 in every suite, for what the suites leave
// alone (drand's chain hash and beacon check).
//
// Single SHA-256 hashes go through WebCrypto (crypto.subtle), in node and
// in the browser alike. The bulk of a draw (one Merkle leaf per unit, one
// rank per eligible unit and per inspector and target) goes through
// sha256.mjs / sm3.mjs, plain synchronous JavaScript, because one WebCrypto
// promise per hash costs about 10 µs and a 100k-target draw needs several
// hundred thousand. WebCrypto has no SM3, so under ssj-v1-sm every hash is
// plain JavaScript. makeHasher({webcrypto: true}) sends the bulk of an
// ssj-v1 draw through WebCrypto too; the tests run every vector both ways,
// and every Hasher checks the plain SHA-256 against WebCrypto once before
// its first use.
//
// With a Helper (parallel.mjs: a worker thread in node, a module Web
// Worker in the browser), large Merkle trees and rank lists are split into
// chunks shared between the helper and this thread.

import { Sha256, HmacSha256 } from './sha256.mjs';
import { Sm3, HmacSm3 } from './sm3.mjs';
import { hex } from './bytes.mjs';
import { subtreeRoot, rankChunk, pairRankChunk, reduceLevel } from './bulk.mjs';
import { yieldToEvents } from './parallel.mjs';

const BATCH = 2048;
const enc = new TextEncoder();

/** SUITES are the crypto suites this verifier knows (Appendix H), by the manifest's `suite` value. */
export const SUITES = {
  'ssj-v1': { name: 'ssj-v1', Hash: Sha256, Hmac: HmacSha256, web: 'SHA-256', signature: 'ed25519' },
  'ssj-v1-sm': { name: 'ssj-v1-sm', Hash: Sm3, Hmac: HmacSm3, web: null, signature: 'sm2' },
};

/** DEFAULT_SUITE is the suite of a manifest or trail without a `suite` member. */
export const DEFAULT_SUITE = 'ssj-v1';

// Chunks of the parallel paths: LEAF_CHUNK leaves (a power of two, so that
// each full chunk is one subtree of the RFC 6962 tree) and RANK_CHUNK
// labels; trees and rank lists smaller than PARALLEL_MIN stay on this thread.
const LEAF_CHUNK = 4096;
const RANK_CHUNK = 8192;
const PARALLEL_MIN = 16384;
// AHEAD chunks at most wait for the helper; with more, this thread takes
// the next one (share).
const AHEAD = 4;

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

/** Hasher is the hashing backend of one verification under one suite; create one with makeHasher(). */
export class Hasher {
  constructor(webcrypto, suite = DEFAULT_SUITE, helper = null, shared = { checked: false }, chunks = {}) {
    const s = SUITES[suite];
    if (!s) throw new Error(`ssj-verify: unknown crypto suite ${JSON.stringify(suite)}`);
    this.suite = s;
    // WebCrypto serves the bulk only where it has the suite's hash.
    this.web = webcrypto && s.web !== null;
    this.webcrypto = webcrypto;
    this.helper = helper;
    this.shared = shared;
    // Chunk sizes of the parallel paths (tests make them small).
    this.chunks = { leaf: LEAF_CHUNK, rank: RANK_CHUNK, min: PARALLEL_MIN, ...chunks };
    if (this.chunks.leaf & (this.chunks.leaf - 1)) throw new Error('ssj-verify: the leaf chunk must be a power of two');
  }

  /** forSuite returns a Hasher for the named suite sharing this one's options and helper. */
  forSuite(suite) {
    if (suite === this.suite.name) return this;
    return new Hasher(this.webcrypto, suite, this.helper, this.shared, this.chunks);
  }

  // selfCheck compares the plain SHA-256 with WebCrypto once.
  async selfCheck() {
    if (this.shared.checked || this.web) return;
    const m = enc.encode('ssj-v1 self-check: 双随机、一公开 '.repeat(5));
    const k = enc.encode('key');
    const a = hex(new Sha256().update(m).digest());
    const b = hex(await webSha(m));
    const c = hex(new HmacSha256(k).mac(m));
    const d = hex((await webHmacMany(k, [m]))[0]);
    if (a !== b || c !== d) throw new Error('ssj-verify: the built-in SHA-256 disagrees with WebCrypto');
    this.shared.checked = true;
  }

  /** sha256 returns SHA-256(b) (WebCrypto) in every suite. */
  async sha256(b) {
    return webSha(b);
  }

  /** h returns the suite's H(b): SHA-256 (WebCrypto) or SM3. */
  async h(b) {
    if (this.suite.web) return webSha(b);
    return new this.suite.Hash().update(b).digest();
  }

  /** hmac returns the suite's HMAC(key, m). */
  async hmac(key, m) {
    if (this.suite.web) return (await webHmacMany(key, [m]))[0];
    return new this.suite.Hmac(key).mac(m);
  }

  /** hmacMany returns HMAC(key, m) for every m of messages, in order. */
  async hmacMany(key, messages) {
    if (this.web) return webHmacMany(key, messages);
    await this.selfCheck();
    const h = new this.suite.Hmac(key);
    return messages.map((m) => h.mac(m));
  }

  /**
   * ranks returns HMAC(key, prefix || lp(label)) for every label,
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
    const alg = this.suite.name;
    const { rank: RC, min } = this.chunks;
    if (this.helper && labels.length >= min) {
      const parts = Math.ceil(labels.length / RC);
      await share(this.helper, parts, (i) => {
        const part = labels.slice(i * RC, (i + 1) * RC);
        return { msg: { op: 'ranks', alg, key, prefix, labels: part }, local: () => rankChunk(alg, key, prefix, part) };
      }, (i, r) => out.set(r, 32 * i * RC));
      return out;
    }
    out.set(rankChunk(alg, key, prefix, labels), 0);
    return out;
  }

  /**
   * pairRanks returns HMAC(key, prefix || lp(t) || lp(c)) for every target
   * t and every c of certs (target-major, 32 bytes each), computed in
   * chunks shared with the helper; null when there is no helper or too few
   * pairs to be worth it (the caller then ranks target by target).
   */
  async pairRanks(key, prefix, targets, certs) {
    const { rank: RC, min } = this.chunks;
    if (this.web || !this.helper || certs.length === 0 || targets.length * certs.length < min) return null;
    await this.selfCheck();
    const alg = this.suite.name;
    const per = Math.max(1, Math.floor(RC / certs.length)); // targets per chunk
    const out = new Uint8Array(targets.length * certs.length * 32);
    const parts = Math.ceil(targets.length / per);
    await share(this.helper, parts, (i) => {
      const part = targets.slice(i * per, (i + 1) * per);
      return { msg: { op: 'pairRanks', alg, key, prefix, targets: part, certs }, local: () => pairRankChunk(alg, key, prefix, part, certs) };
    }, (i, r) => out.set(r, i * per * certs.length * 32));
    return out;
  }

  /**
   * merkleRoot returns the RFC 6962 tree hash (under the suite's H) over n
   * leaves, leaf i being the bytes write(i, w) appends to the LeafWriter w:
   * leaf hash H(0x00 || leaf), node hash H(0x01 || left || right), H("")
   * for no leaves.
   */
  async merkleRoot(n, write, w) {
    if (n === 0) return this.h(new Uint8Array(0));
    if (this.web) {
      const level = new Uint8Array(n * 32);
      const hs = [];
      for (let i = 0; i < n; i++) {
        w.reset();
        w.raw(Uint8Array.of(0));
        write(i, w);
        hs.push(webSha(w.buf.slice(0, w.n)));
      }
      (await Promise.all(hs)).forEach((h, i) => level.set(h, 32 * i));
      let m = n;
      while (m > 1) {
        const half = m >> 1;
        const hs2 = [];
        for (let i = 0; i < half; i++) hs2.push(webSha(concat2(Uint8Array.of(1), level.subarray(64 * i, 64 * i + 64))));
        (await Promise.all(hs2)).forEach((h, i) => level.set(h, 32 * i));
        if (m % 2 === 1) level.copyWithin(32 * half, 32 * (m - 1), 32 * m);
        m = half + (m % 2);
      }
      return level.slice(0, 32);
    }
    await this.selfCheck();
    const alg = this.suite.name;
    // Leaves [lo, hi) as one byte buffer with offsets.
    const chunkBytes = (lo, hi) => {
      const offs = new Uint32Array(hi - lo + 1);
      w.reset();
      for (let i = lo; i < hi; i++) {
        write(i, w);
        offs[i - lo + 1] = w.n;
      }
      return { buf: w.buf, offs };
    };
    // Every chunk of LEAF_CHUNK leaves starting at a multiple of LEAF_CHUNK
    // is a subtree of the RFC 6962 tree (the last one possibly partial), so
    // the tree over the chunk roots, built the same way, is the whole tree;
    // and only a few chunks' bytes are held at a time.
    const { leaf: LC, min } = this.chunks;
    const chunks = Math.ceil(n / LC);
    const roots = new Uint8Array(32 * chunks);
    const bytes = (j) => chunkBytes(j * LC, Math.min(n, (j + 1) * LC));
    if (!this.helper || n < min) {
      for (let j = 0; j < chunks; j++) {
        const { buf, offs } = bytes(j);
        roots.set(subtreeRoot(alg, buf, offs), 32 * j);
      }
    } else {
      await share(this.helper, chunks, (j) => {
        const { buf: all, offs } = bytes(j);
        const buf = all.slice(0, offs[offs.length - 1]); // kept: computed here if the helper is late
        return { msg: { op: 'leaves', alg, buf, offs }, local: () => subtreeRoot(alg, buf, offs) };
      }, (j, r) => roots.set(r, 32 * j));
    }
    return reduceLevel(alg, roots, chunks);
  }
}

/**
 * share computes jobs 0..n-1 on this thread and on helper: input(i) makes
 * job i's input ({msg, local}: the message for the helper, and a function
 * computing the same result here), place(i, result) stores its result.
 * Jobs go to the helper while fewer than AHEAD wait there; the next one is
 * computed here. At the end, jobs the helper has not answered yet are
 * computed here too, last first (the helper takes them in order), so a
 * helper thread that the machine's load keeps waiting cannot hold up the
 * result; whichever answer comes first is placed, the other ignored (both
 * are the same bytes, computed by the same code of bulk.mjs).
 */
async function share(helper, n, input, place) {
  const done = new Uint8Array(n);
  const locals = [];
  let waiting = 0;
  for (let i = 0; i < n; i++) {
    const { msg, local } = input(i);
    if (waiting < AHEAD) {
      waiting++;
      locals[i] = local;
      helper.run(msg).then(
        (r) => {
          waiting--;
          if (!done[i]) {
            done[i] = 1;
            place(i, r);
          }
        },
        () => {
          waiting--; // computed here below
        },
      );
    } else {
      done[i] = 1;
      place(i, local());
    }
    await yieldToEvents();
  }
  for (let i = n - 1; i >= 0; i--) {
    if (done[i]) continue;
    await yieldToEvents();
    if (done[i]) continue;
    done[i] = 1;
    place(i, locals[i]());
  }
}

function concat2(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * makeHasher returns a Hasher: suite (default ssj-v1), webcrypto=true sends
 * every SHA-256 through WebCrypto, helper (a started Helper of
 * parallel.mjs) shares the bulk with another thread; chunks {leaf, rank,
 * min} overrides the chunk sizes of the parallel paths (for tests).
 */
export function makeHasher({ webcrypto = false, suite = DEFAULT_SUITE, helper = null, chunks = {} } = {}) {
  return new Hasher(webcrypto, suite, helper, { checked: false }, chunks);
}

// SHA-256 and HMAC-SHA256. The browser path uses WebCrypto (crypto.subtle);
// under node the same functions of node's built-in crypto module are used
// synchronously, which avoids one promise per hash on large pools (the
// results are identical; test/hash.test.mjs checks both paths agree).

const BATCH = 2048;

let nodeCrypto = null;
if (typeof process !== 'undefined' && process.versions && process.versions.node && !globalThis.SSJ_VERIFY_WEBCRYPTO_ONLY) {
  try {
    nodeCrypto = await import('node:crypto');
  } catch {
    nodeCrypto = null;
  }
}

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) throw new Error('ssj-verify: WebCrypto (crypto.subtle) is not available');
  return s;
}

/** Hasher is the hashing backend; create one with makeHasher(). */
export class Hasher {
  constructor(node) {
    this.node = node;
  }

  /** sha256 returns SHA-256(b). */
  async sha256(b) {
    if (this.node) return new Uint8Array(this.node.createHash('sha256').update(b).digest());
    return new Uint8Array(await subtle().digest('SHA-256', b));
  }

  /** sha256Many hashes every element of list, in order. */
  async sha256Many(list) {
    const out = new Array(list.length);
    if (this.node) {
      for (let i = 0; i < list.length; i++) out[i] = this.node.createHash('sha256').update(list[i]).digest();
      return out;
    }
    const s = subtle();
    for (let lo = 0; lo < list.length; lo += BATCH) {
      const part = await Promise.all(list.slice(lo, lo + BATCH).map((b) => s.digest('SHA-256', b)));
      for (let j = 0; j < part.length; j++) out[lo + j] = new Uint8Array(part[j]);
    }
    return out;
  }

  /** hmacMany returns HMAC-SHA256(key, m) for every m of messages, in order. */
  async hmacMany(key, messages) {
    const out = new Array(messages.length);
    if (this.node) {
      for (let i = 0; i < messages.length; i++) out[i] = this.node.createHmac('sha256', key).update(messages[i]).digest();
      return out;
    }
    const s = subtle();
    const k = await s.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    for (let lo = 0; lo < messages.length; lo += BATCH) {
      const part = await Promise.all(messages.slice(lo, lo + BATCH).map((m) => s.sign('HMAC', k, m)));
      for (let j = 0; j < part.length; j++) out[lo + j] = new Uint8Array(part[j]);
    }
    return out;
  }

  /** hmac returns HMAC-SHA256(key, m). */
  async hmac(key, m) {
    return (await this.hmacMany(key, [m]))[0];
  }
}

/** makeHasher returns the node backend under node, else WebCrypto; webcrypto=true forces WebCrypto. */
export function makeHasher({ webcrypto = false } = {}) {
  return new Hasher(webcrypto ? null : nodeCrypto);
}

// Lock signatures (docs/draw-spec.md §10.2) and the chain anchor (§10.3).
// A lock is signed with Ed25519 or, under either suite, SM2 (Appendix H.2;
// sm2.mjs).
//
// Ed25519 goes through WebCrypto (crypto.subtle, algorithm "Ed25519"):
// node ≥ 20 and Chromium ≥ 137 have it. Where a browser lacks it, the
// verifier falls back to @noble/curves' ed25519 (the package it already
// uses for drand), loaded only then.

import { canonical } from './canon.mjs';
import { hex, utf8 } from './bytes.mjs';
import { parseTime, parseRFC3339 } from './time.mjs';

/** SignatureError is a lock signature that does not check (exit 1). */
export class SignatureError extends Error {}

/** LOCK_CONTEXT is the ASCII context string the lock signature covers first. */
export const LOCK_CONTEXT = 'ssj-v1.1-lock\n';

/** lockBody is the canonical JSON of {at, by, record_hash}: the bytes lock.hash covers. */
export function lockBody(lock) {
  return canonical({ at: lock.at, by: lock.by, record_hash: lock.record_hash });
}

/** anchorOf returns the hex anchor of a locked record with its first n replacements (§10.3). */
export async function anchorOf(hasher, lock, replacements, n = replacements.length) {
  const head = n === 0 ? lock.hash : replacements[n - 1].hash;
  return hex(await hasher.h(utf8(canonical({ record_hash: lock.record_hash, lock_hash: lock.hash, replacements: n, head }))));
}

function b64(s) {
  if (typeof s !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return null;
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * verifyEd25519 checks an Ed25519 signature (32-byte public key, 64-byte
 * signature) with WebCrypto, or @noble/curves where WebCrypto lacks Ed25519.
 * It returns {ok, via} with via "webcrypto" or "noble".
 */
export async function verifyEd25519(pub, sig, msg) {
  let key;
  try {
    key = await globalThis.crypto.subtle.importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    if (e && e.name === 'DataError') return { ok: false, via: 'webcrypto' };
    const { ed25519 } = await import('@noble/curves/ed25519.js');
    let ok = false;
    try {
      ok = ed25519.verify(sig, msg, pub);
    } catch {
      ok = false;
    }
    return { ok, via: 'noble' };
  }
  return { ok: await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, key, sig, msg), via: 'webcrypto' };
}

/** REPLACEMENT_CONTEXT is the ASCII context string a replacement approval covers first (Appendix C §5.1). */
export const REPLACEMENT_CONTEXT = 'ssj-v1.1-replacement\n';

/** ROLE_DEPUTY_HEAD is the keyring role of a key that may approve replacements (R18, 分管负责人). */
export const ROLE_DEPUTY_HEAD = 'deputy_head';

/**
 * parseKeyring reads the keyring of `ssj publish keygen` / `ssj keygen`
 * ({"keys": [{key_id, algorithm, unit, holder, role, key, not_before,
 * not_after}]}, key in base64, the validity bounds RFC 3339 and optional)
 * from a parsed JSON value; it throws an Error naming the problem. The
 * bounds are kept as instants (nanoseconds, BigInt) in notBefore/notAfter.
 */
export function parseKeyring(v) {
  if (v === null || typeof v !== 'object' || !Array.isArray(v.keys)) throw new Error('keyring: want {"keys": [...]}');
  const seen = new Set();
  return v.keys.map((k, i) => {
    if (k === null || typeof k !== 'object' || Array.isArray(k)) throw new Error(`keyring key #${i}: want an object`);
    for (const f of ['key_id', 'algorithm', 'key']) {
      if (typeof k[f] !== 'string' || k[f] === '') throw new Error(`keyring key #${i}: key_id, algorithm and key are required (${f})`);
    }
    for (const f of ['unit', 'holder', 'role']) {
      if (k[f] !== undefined && typeof k[f] !== 'string') throw new Error(`keyring key #${i}: ${f} ${JSON.stringify(k[f])} is not a string`);
    }
    const bound = (f) => {
      if (k[f] === undefined || k[f] === null) return null;
      const t = typeof k[f] === 'string' ? parseRFC3339(k[f]) : null;
      if (t === null) throw new Error(`keyring key #${i} (${k.key_id}): ${f} ${JSON.stringify(k[f])} is not an RFC 3339 time`);
      return t;
    };
    const notBefore = bound('not_before');
    const notAfter = bound('not_after');
    if (notBefore !== null && notAfter !== null && notAfter < notBefore) throw new Error(`keyring key #${i} (${k.key_id}): not_after ${k.not_after} is before not_before ${k.not_before}`);
    if (seen.has(k.key_id)) throw new Error(`keyring key #${i}: key_id ${JSON.stringify(k.key_id)} repeats`);
    seen.add(k.key_id);
    return { ...k, notBefore, notAfter };
  });
}

/**
 * validAt returns null when the key's validity period (not_before ≤ at ≤
 * not_after, an absent bound open) covers the time string at, else the
 * reason it does not (as suite.Validity.Check says it).
 */
export function validAt(key, at) {
  if (key.notBefore == null && key.notAfter == null) return null;
  const t = parseTime(at) ?? parseRFC3339(at);
  if (t === null) return `no signing time to check key ${key.key_id} against (${JSON.stringify(at)})`;
  if (key.notBefore != null && t < key.notBefore) return `signed at ${at}, before the key's not_before ${key.not_before}`;
  if (key.notAfter != null && t > key.notAfter) return `signed at ${at}, after the key's not_after ${key.not_after} (the key was rotated)`;
  return null;
}

/**
 * verifyWith checks sig over msg with the public key (base64) of key under
 * algorithm alg (ed25519 or sm2). It returns {ok, via} or {error} when the
 * key or algorithm cannot be used.
 */
async function verifyWith(key, alg, msg, sig) {
  const pub = b64(key.key);
  if (alg === 'sm2') {
    // Appendix H.2: SM2 with SM3 and the default user ID, DER signature,
    // 65-byte uncompressed public key; allowed under either suite.
    if (!pub || pub.length !== 65 || pub[0] !== 4) return { error: `key ${key.key_id}: not a 65-byte uncompressed SM2 public key` };
    const { verifySM2 } = await import('./sm2.mjs');
    return { ok: verifySM2(pub, msg, sig), via: 'sm2' };
  }
  if (alg !== 'ed25519') return { error: `algorithm ${JSON.stringify(alg)} is not supported by this verifier (ed25519, sm2)` };
  if (!pub || pub.length !== 32) return { error: `key ${key.key_id}: not a 32-byte Ed25519 public key` };
  if (sig.length !== 64) return { ok: false, via: 'ed25519', error: `${sig.length} bytes, an Ed25519 signature has 64` };
  return verifyEd25519(pub, sig, msg);
}

/** replacementSigningBytes are the bytes an approval signs: REPLACEMENT_CONTEXT || JCS(r without hash and approval). */
export function replacementSigningBytes(r) {
  const body = { ...r };
  delete body.hash;
  delete body.approval;
  return utf8(REPLACEMENT_CONTEXT + canonical(body));
}

/**
 * checkApproval checks the approval of replacement r (Appendix C §5.1, rule
 * R18) against the keyring: signed in the name of r.approver, the key found
 * by key_id, of the approval's algorithm, held by the signer with role
 * deputy_head, valid at r.at, and the signature over
 * replacementSigningBytes(r). It throws a SignatureError whose `path` is
 * `${path}` (replacements[i].approval, as the Go verifier reports it) and
 * returns how it verified ("webcrypto", "noble" or "sm2").
 */
export async function checkApproval(r, keys, path) {
  const fail = (msg) => Object.assign(new SignatureError(`replacement ${r.seq} (approver ${JSON.stringify(r.approver)}): ${msg}`), { path });
  const a = r.approval;
  if (!a) throw fail('is not signed by its approver');
  if (a.signer !== r.approver) throw fail(`the approval is signed by ${JSON.stringify(a.signer)}`);
  const sig = b64(a.value);
  if (!sig) throw fail('approval value is not standard padded base64');
  const key = keys.find((k) => k.key_id === a.key_id);
  if (!key) throw fail(`key ${a.key_id} is not in the keyring`);
  if (key.role !== ROLE_DEPUTY_HEAD) throw fail(`key ${a.key_id} (${key.holder}) is held as ${JSON.stringify(key.role ?? '')}, not as "deputy_head": it may not approve replacements (R18)`);
  if (key.algorithm !== a.algorithm) throw fail(`signed with ${JSON.stringify(a.algorithm)}, key ${a.key_id} is ${JSON.stringify(key.algorithm)}`);
  if (key.holder !== a.signer) throw fail(`signed as ${JSON.stringify(a.signer)}, key ${a.key_id} is held by ${JSON.stringify(key.holder)}`);
  const when = validAt(key, r.at);
  if (when) throw fail(`key ${a.key_id} (${key.holder}): ${when}`);
  const res = await verifyWith(key, a.algorithm, replacementSigningBytes(r), sig);
  if (!res.ok) throw fail(res.error && res.ok === undefined ? res.error : `the ${a.algorithm} signature of ${JSON.stringify(a.signer)} does not verify (key ${a.key_id})${res.error ? ': ' + res.error : ''}`);
  return res.via;
}

/**
 * checkLockSignature checks lock.signature against the keyring (§10.2): the
 * key found by key_id, its algorithm the signature's, its holder lock.by,
 * and the signature over LOCK_CONTEXT || JCS({at, by, record_hash}).
 * It throws a SignatureError whose `path` names the member.
 */
export async function checkLockSignature(lock, keys) {
  const fail = (path, msg) => Object.assign(new SignatureError(msg), { path });
  const s = lock.signature;
  if (!s) throw fail('lock.signature', 'the lock is not signed and a keyring was given, so a signature is required');
  const key = keys.find((k) => k.key_id === s.key_id);
  if (!key) throw fail('lock.signature.key_id', `key ${s.key_id} is not in the keyring`);
  if (key.algorithm !== s.algorithm) throw fail('lock.signature.algorithm', `signed with ${JSON.stringify(s.algorithm)}, key ${s.key_id} is ${JSON.stringify(key.algorithm)}`);
  if (key.holder !== lock.by) throw fail('lock.signature', `signed as ${JSON.stringify(lock.by)}, key ${s.key_id} is held by ${JSON.stringify(key.holder)}`);
  // A key with a validity period is checked at the lock's time (R16), as
  // the Go verifier does (publish.Keyring.At(lock.at)).
  const when = validAt(key, lock.at);
  if (when) throw fail('lock.signature.key_id', `key ${s.key_id} (${key.holder}): ${when}`);
  const sig = b64(s.value);
  if (!sig) throw fail('lock.signature.value', 'is not standard padded base64');
  const pub = b64(key.key);
  const msg = utf8(LOCK_CONTEXT + lockBody(lock));
  if (s.algorithm === 'sm2') {
    // Appendix H.2: SM2 with SM3 and the default user ID, DER signature,
    // 65-byte uncompressed public key; allowed under either suite.
    if (!pub || pub.length !== 65 || pub[0] !== 4) throw fail('lock.signature.key_id', `key ${s.key_id}: not a 65-byte uncompressed SM2 public key`);
    const { verifySM2 } = await import('./sm2.mjs');
    if (!verifySM2(pub, msg, sig)) throw fail('lock.signature.value', `the SM2 signature of ${JSON.stringify(lock.by)} does not verify (key ${s.key_id})`);
    return 'sm2';
  }
  if (s.algorithm !== 'ed25519') throw fail('lock.signature.algorithm', `algorithm ${JSON.stringify(s.algorithm)} is not supported by this verifier (ed25519, sm2)`);
  if (!pub || pub.length !== 32) throw fail('lock.signature.key_id', `key ${s.key_id}: not a 32-byte Ed25519 public key`);
  if (sig.length !== 64) throw fail('lock.signature.value', `${sig.length} bytes, an Ed25519 signature has 64`);
  const { ok, via } = await verifyEd25519(pub, sig, msg);
  if (!ok) throw fail('lock.signature.value', `the Ed25519 signature of ${JSON.stringify(lock.by)} does not verify (key ${s.key_id})`);
  return via;
}

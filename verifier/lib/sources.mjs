// Randomness sources and R (docs/draw-spec.md Appendix B).

import { concat, hex, lp, unhex, utf8 } from './bytes.mjs';
import { parseTime } from './time.mjs';
import { labelProblem } from './pools.mjs';

/** QUICKNET is the pinned drand quicknet chain information (Appendix B §3). */
export const QUICKNET = {
  name: 'quicknet',
  chainHash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  publicKey: '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  genesis: 1692803367,
  period: 3,
  groupHash: 'f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e',
  dst: 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_',
};

/** SourceError is a source or its evidence that does not check; kind says which check. */
export class SourceError extends Error {
  constructor(kind, msg) {
    super(msg);
    this.kind = kind; // bad_source | source_before_commit | bad_beacon | bad_reveal | evidence_mismatch
  }
}

function chainByName(name) {
  if (name === undefined || name === '' || name === 'quicknet') return QUICKNET;
  throw new SourceError('bad_source', `unknown drand network ${JSON.stringify(name)} (only quicknet is pinned)`);
}

/** roundTime returns a drand round's emission time as BigInt nanoseconds. */
export function roundTime(ch, round) {
  return (BigInt(ch.genesis) + (BigInt(round) - 1n) * BigInt(ch.period)) * 1000000000n;
}

/** checkChain recomputes the chain hash from the pinned values (Appendix B §3). */
export async function checkChain(hasher, ch) {
  const b = new Uint8Array(12);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, ch.period);
  dv.setBigUint64(4, BigInt(ch.genesis));
  const h = hex(await hasher.sha256(concat([b, unhex(ch.publicKey), unhex(ch.groupHash), utf8(ch.name)])));
  if (h !== ch.chainHash) throw new SourceError('bad_beacon', `pinned ${ch.name} values hash to ${h}, not the chain hash ${ch.chainHash}`);
}

// verified remembers beacons whose pairing check passed (chain, round,
// signature), so a process verifying many draws checks each beacon once;
// prefetched holds pairing checks started early on a helper thread
// (prefetchBeacon), by the same key.
const verified = new Set();
const prefetched = new Map();

/**
 * pairingProblem runs the BLS check of a quicknet-style beacon: the
 * signature (hex, a compressed G1 point) on message m = SHA-256(round as
 * 8 big-endian bytes) under the chain's public key. It resolves to null
 * when it verifies, else to why not.
 */
export async function pairingProblem(ch, round, signature, m) {
  // Loaded on first use: with a helper thread (parallel.mjs) only the
  // helper needs the pairing code.
  const { bls12_381 } = await import('@noble/curves/bls12-381.js');
  const bls = bls12_381.shortSignatures;
  let point;
  try {
    point = bls.Signature.fromBytes(unhex(signature));
    point.assertValidity();
  } catch (e) {
    return `signature is not a valid compressed G1 point in the subgroup (${e.message})`;
  }
  if (point.is0()) return 'signature is the point at infinity';
  let ok = false;
  try {
    ok = bls.verify(point, bls.hash(m, ch.dst), unhex(ch.publicKey));
  } catch (e) {
    return `pairing check failed (${e.message})`;
  }
  return ok ? null : 'signature does not verify under the pinned public key';
}

async function roundMessage(hasher, round) {
  const r8 = new Uint8Array(8);
  new DataView(r8.buffer).setBigUint64(0, BigInt(round));
  return hasher.sha256(r8);
}

/**
 * prefetchBeacons starts the pairing check of every well-formed drand
 * source of the manifest on helper (parallel.mjs, node), so that it runs
 * while this thread reads the pools; verifyBeacon then awaits its answer
 * instead of checking again. Anything malformed is left to verifyBeacon.
 */
export async function prefetchBeacons(hasher, helper, sources, evidence) {
  if (!helper || helper.kind !== 'node' || !Array.isArray(sources) || !Array.isArray(evidence)) return;
  for (let i = 0; i < sources.length && i < evidence.length; i++) {
    const s = sources[i];
    const ev = evidence[i];
    if (!s || s.kind !== 'drand' || !ev || typeof ev.signature !== 'string' || !/^[0-9a-f]{96}$/.test(ev.signature)) continue;
    const ch = s.network === undefined || s.network === '' || s.network === 'quicknet' ? QUICKNET : null;
    if (!ch || !Number.isInteger(s.round) || s.round < 1) continue;
    const memo = `${ch.chainHash}/${s.round}/${ev.signature}`;
    if (verified.has(memo) || prefetched.has(memo)) continue;
    const m = await roundMessage(hasher, s.round);
    const p = helper.run({ op: 'bls', chain: { dst: ch.dst, publicKey: ch.publicKey }, round: s.round, signature: ev.signature, message: m });
    p.catch(() => {}); // awaited (or dropped) by verifyBeacon
    prefetched.set(memo, p);
  }
}

/**
 * verifyBeacon checks a beacon {round, randomness, signature} (Appendix B §3)
 * and returns its 32 randomness bytes.
 */
export async function verifyBeacon(hasher, ch, { round, randomness, signature }) {
  const bad = (why) => new SourceError('bad_beacon', `drand ${ch.name} round ${round}: ${why}`);
  await checkChain(hasher, ch);
  if (!Number.isInteger(round) || round < 1) throw bad('round must be ≥ 1');
  const sig = unhex(signature);
  const rnd = unhex(randomness);
  if (!sig || sig.length !== 48) throw bad('signature is not 96 lower-case hex digits');
  if (!rnd || rnd.length !== 32) throw bad('randomness is not 64 lower-case hex digits');
  if (hex(await hasher.sha256(sig)) !== randomness) throw bad('randomness is not SHA-256 of the signature');
  const memo = `${ch.chainHash}/${round}/${signature}`;
  if (verified.has(memo)) return rnd;
  let why;
  let early = prefetched.get(memo);
  prefetched.delete(memo);
  try {
    if (early) why = await early;
  } catch {
    early = undefined; // the helper failed: check here
  }
  if (!early) why = await pairingProblem(ch, round, signature, await roundMessage(hasher, round));
  if (why) throw bad(why);
  verified.add(memo);
  return rnd;
}

/** lotteryCanonical writes numbers in RFC 3797 form: sorted, each followed by '.', then '/'. */
export function lotteryCanonical(numbers) {
  if (!Array.isArray(numbers) || numbers.length === 0) throw new SourceError('bad_source', 'lottery: no numbers');
  for (const n of numbers) {
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 53) throw new SourceError('bad_source', `lottery number ${n} is not an integer 0..2^53`);
  }
  const s = numbers.slice().sort((a, b) => a - b).map((n) => `${n}.`).join('') + '/';
  return utf8(s);
}

const FIELDS = {
  drand: ['network', 'round'],
  lottery: ['lottery', 'issue', 'draw_at'],
  participant: ['participant', 'commitment'],
  manual: [],
};
const EVIDENCE = { drand: ['randomness', 'signature'], lottery: ['numbers'], participant: ['secret'], manual: ['value'] };

function textProblem(v) {
  if (typeof v !== 'string' || v === '') return 'is missing';
  const p = labelProblem(v);
  return p ? p : '';
}

/** validateSource checks one declared source against the commit time (Appendix B §1). */
export function validateSource(s, commitNs) {
  if (!Object.prototype.hasOwnProperty.call(FIELDS, s.kind)) throw new SourceError('bad_source', `unknown kind ${JSON.stringify(s.kind)}`);
  for (const [k, fs] of Object.entries(FIELDS)) {
    if (k === s.kind) continue;
    for (const f of fs) if (s[f] !== undefined) throw new SourceError('bad_source', `a ${s.kind} source must not set ${f}`);
  }
  switch (s.kind) {
    case 'drand': {
      const ch = chainByName(s.network);
      if (!Number.isInteger(s.round) || s.round < 1 || s.round > 2 ** 53) throw new SourceError('bad_source', `drand round ${s.round} out of range 1..2^53`);
      if (!(roundTime(ch, s.round) > commitNs)) throw new SourceError('source_before_commit', `drand ${ch.name} round ${s.round} was emitted before or at the commit time`);
      break;
    }
    case 'lottery': {
      for (const f of ['lottery', 'issue']) {
        const p = textProblem(s[f]);
        if (p) throw new SourceError('bad_source', `lottery ${f} ${p}`);
      }
      const at = parseTime(s.draw_at);
      if (at === null) throw new SourceError('bad_source', `lottery ${s.lottery} issue ${s.issue}: draw_at is missing or not a time`);
      if (!(at > commitNs)) throw new SourceError('source_before_commit', `lottery ${s.lottery} issue ${s.issue} is drawn at ${s.draw_at}, not after the commit time`);
      break;
    }
    case 'participant': {
      const p = textProblem(s.participant);
      if (p) throw new SourceError('bad_source', `participant ${p}`);
      if (typeof s.commitment !== 'string' || !/^[0-9a-f]{64}$/.test(s.commitment)) throw new SourceError('bad_source', `commitment ${JSON.stringify(s.commitment)} is not 64 lower-case hex digits`);
      break;
    }
  }
}

/**
 * deriveRandomness checks every source and its evidence and returns
 * {inputs: [bytes], r: bytes, manipulationResistant} (Appendix B §7).
 */
export async function deriveRandomness(hasher, commitNs, sources, evidence) {
  if (!Array.isArray(sources) || sources.length === 0) throw new SourceError('bad_source', 'no randomness source declared');
  if (!Array.isArray(evidence) || evidence.length !== sources.length) {
    throw new SourceError('evidence_mismatch', `${sources.length} sources declared but ${Array.isArray(evidence) ? evidence.length : 0} pieces of evidence given`);
  }
  const inputs = [];
  let resistant = true;
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    const ev = evidence[i];
    const where = `source ${i + 1} (${s.kind})`;
    try {
      validateSource(s, commitNs);
      for (const [k, fs] of Object.entries(EVIDENCE)) {
        if (k === s.kind) continue;
        for (const f of fs) if (ev[f] !== undefined) throw new SourceError('evidence_mismatch', `evidence for a ${s.kind} source carries ${f}`);
      }
      let b;
      switch (s.kind) {
        case 'drand':
          b = await verifyBeacon(hasher, chainByName(s.network), { round: s.round, randomness: ev.randomness ?? '', signature: ev.signature ?? '' });
          break;
        case 'lottery':
          b = lotteryCanonical(ev.numbers);
          break;
        case 'participant': {
          b = utf8(ev.secret ?? '');
          const got = hex(await hasher.sha256(b));
          if (got !== s.commitment) throw new SourceError('bad_reveal', `participant ${s.participant} revealed a secret whose SHA-256 is ${got}, commitment is ${s.commitment}`);
          break;
        }
        case 'manual':
          b = utf8(ev.value ?? '');
          resistant = false;
          break;
      }
      inputs.push(b);
    } catch (e) {
      if (e instanceof SourceError) e.message = `${where}: ${e.message}`;
      throw e;
    }
  }
  const r = await hasher.h(concat(inputs.map((b) => lp(b))));
  return { inputs, r, manipulationResistant: resistant };
}

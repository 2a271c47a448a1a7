// The helper thread (parallel.mjs): answers {id, op, ...} with {id,
// result} or {id, error}. Ops: ping; leaves (a Merkle subtree root over
// leaf bytes); ranks, pairRanks (rank HMACs); bls (node only: drand's pairing check,
// sources.mjs, loaded on first use because a browser worker has no import
// map for @noble/curves).

import { subtreeRoot, rankChunk, pairRankChunk } from './bulk.mjs';

let post;
let listen;
if (typeof self !== 'undefined' && typeof self.postMessage === 'function' && typeof WorkerGlobalScope !== 'undefined') {
  post = (m, t) => self.postMessage(m, t);
  listen = (f) => {
    self.onmessage = (e) => f(e.data);
  };
} else {
  const { parentPort } = await import('node:worker_threads');
  post = (m, t) => parentPort.postMessage(m, t);
  listen = (f) => parentPort.on('message', f);
  // In node the first job is usually the drand check: load it meanwhile.
  import('./sources.mjs').then(() => import('@noble/curves/bls12-381.js')).catch(() => {});
}

async function handle(m) {
  switch (m.op) {
    case 'ping':
      return [true];
    case 'leaves': {
      const r = subtreeRoot(m.alg, m.buf, m.offs);
      return [r, [r.buffer]];
    }
    case 'ranks': {
      const r = rankChunk(m.alg, m.key, m.prefix, m.labels);
      return [r, [r.buffer]];
    }
    case 'pairRanks': {
      const r = pairRankChunk(m.alg, m.key, m.prefix, m.targets, m.certs);
      return [r, [r.buffer]];
    }
    case 'bls': {
      const { pairingProblem } = await import('./sources.mjs');
      return [await pairingProblem(m.chain, m.round, m.signature, m.message)];
    }
    default:
      throw new Error(`unknown op ${JSON.stringify(m.op)}`);
  }
}

listen(async (m) => {
  try {
    const [result, transfer = []] = await handle(m);
    post({ id: m.id, result }, transfer);
  } catch (e) {
    post({ id: m.id, error: String(e && e.message ? e.message : e) });
  }
});

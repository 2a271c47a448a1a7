// The public bundle of one task (`ssj task export`, docs/draw-spec.md
// §10.6): what it adds to the record and the pools, checked here.

import { canonical } from './canon.mjs';
import { concat, hex, unhex, utf8 } from './bytes.mjs';
import { commitment, targetLeaf, writeTargetLeaf } from './pools.mjs';
import { checkTrail, checkHead, taskFacts, TrailProblem } from './trail.mjs';

/** BUNDLE_FILES are the files of a bundle the verifier reads, in order. */
export const BUNDLE_FILES = ['record.json', 'manifest.json', 'targets.csv', 'inspectors.csv', 'fallback.csv', 'proofs.json', 'trail.jsonl', 'checkpoint.txt'];

/** BUNDLE_NOT_CHECKED are the bundle's files this verifier does not check (README.txt is prose). */
export const BUNDLE_NOT_CHECKED = [];

/** BundleProblem is a bundle file that does not agree with the record (exit 1); path names the file and member. */
export class BundleProblem extends Error {
  constructor(path, msg) {
    super(`${path}: ${msg}`);
    this.path = path;
    this.detail = msg;
  }
}

/**
 * verifyInclusion checks an RFC 6962 audit path (RFC 9162 §2.1.3.2): the
 * leaf hash at index of a tree of size, with the path leaf side first,
 * yields root. All hashes are Uint8Array(32).
 */
export async function verifyInclusion(hasher, leafHash, index, size, path, root) {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  const node = (a, b) => hasher.h(concat([Uint8Array.of(1), a, b]));
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hex(r) === hex(root);
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * checkBundle checks the bundle's additions: manifest.json is the record's
 * manifest (same canonical bytes); trail.jsonl (text, when given) verifies
 * under its own suite, which must be the record's, checkpoint.txt (text,
 * when given) is its head, its
 * manifest.committed events of the task name the record's manifest hash
 * and its targets.locked events the record's lock.record_hash (a locked
 * record needs one); and proofs.json holds, for every selected target, an
 * RFC 6962 inclusion proof of its leaf (recomputed from targets.csv) in the
 * commitment over the whole of targets.csv, which with a trail must be the
 * root the trail recorded when the task's target snapshot was imported.
 * The suite's H (hasher) is that of the record's manifest.
 */
export async function checkBundle(hasher, record, targets, manifestValue, proofsValue, { trail, checkpoint } = {}) {
  if (manifestValue !== undefined) {
    if (canonical(manifestValue) !== canonical(record.manifest)) throw new BundleProblem('manifest.json', 'is not the record\'s manifest (their canonical forms differ)');
  }
  let snapshotRoot;
  let trailSummary;
  if (trail !== undefined) {
    let t;
    try {
      t = checkTrail(trail);
      if (checkpoint !== undefined) checkHead(checkpoint, t.head);
    } catch (e) {
      if (e instanceof TrailProblem) throw new BundleProblem(e.path, e.detail);
      throw e;
    }
    // One bundle, one crypto suite: the draw's and the trail's (whose
    // snapshot roots the proofs lead to).
    const drawSuite = record.manifest.suite ?? 'ssj-v1';
    if (t.suite !== drawSuite) throw new BundleProblem('trail.jsonl', `record.json is a draw of crypto suite ${drawSuite}, trail.jsonl a trail of ${t.suite}: a bundle has one suite`);
    const task = record.manifest.task.id;
    const f = taskFacts(t.events, task);
    for (const c of f.committed) {
      if (c.manifestHash !== record.manifest_hash) throw new BundleProblem('trail.jsonl', `event seq ${c.seq} committed manifest ${c.manifestHash}, the record's is ${record.manifest_hash}`);
    }
    for (const l of f.locked) {
      if (!record.lock || l.recordHash !== record.lock.record_hash) throw new BundleProblem('trail.jsonl', `event seq ${l.seq} locked record ${l.recordHash}, record.json's lock differs`);
    }
    if (record.lock && f.locked.length === 0) throw new BundleProblem('trail.jsonl', `no targets.locked event for task ${task}`);
    const snapshot = f.committed.length > 0 ? f.committed[f.committed.length - 1].snapshot : undefined;
    snapshotRoot = { snapshot, root: snapshot === undefined ? undefined : f.roots.get(snapshot) };
    trailSummary = { suite: t.suite, events: t.events.length, checkpoints: t.checkpoints, head: `${t.head.size}:${t.head.root}`, checkpoint_txt: checkpoint !== undefined };
  }
  if (proofsValue === undefined) return { proofs: 0, trail: trailSummary };
  if (proofsValue === null) proofsValue = []; // ssj task export writes null when nothing was drawn
  if (!Array.isArray(proofsValue)) throw new BundleProblem('proofs.json', 'is not a JSON array of proofs');
  const all = await commitment(hasher, targets.sorted, (u) => u.id, targetLeaf, { sorted: true, writeLeaf: writeTargetLeaf });
  const byId = new Map(targets.map((u) => [u.id, u]));
  const proved = new Set();
  for (let i = 0; i < proofsValue.length; i++) {
    const p = proofsValue[i];
    const at = `proofs.json[${i}]`;
    if (p === null || typeof p !== 'object' || p.pool !== 'targets' || typeof p.id !== 'string') throw new BundleProblem(at, 'is not a target inclusion proof {pool: "targets", id, ...}');
    const u = byId.get(p.id);
    if (!u) throw new BundleProblem(`${at}.id`, `${JSON.stringify(p.id)} is not in targets.csv`);
    if (p.root !== all.root || p.size !== all.count) throw new BundleProblem(`${at}.root`, `proof is for root ${p.root} size ${p.size}; targets.csv commits to root ${all.root} count ${all.count}`);
    if (snapshotRoot && p.root !== snapshotRoot.root) throw new BundleProblem(`${at}.root`, `root ${p.root} is not the root ${JSON.stringify(snapshotRoot.root ?? '')} the trail recorded for snapshot ${snapshotRoot.snapshot}`);
    const leaf = targetLeaf(u);
    if (p.leaf !== undefined && canonical(p.leaf) !== leaf) throw new BundleProblem(`${at}.leaf`, `is not the leaf of ${p.id} in targets.csv`);
    const lh = await hasher.h(concat([Uint8Array.of(0), utf8(leaf)]));
    if (p.leaf_hash !== hex(lh)) throw new BundleProblem(`${at}.leaf_hash`, `record has ${JSON.stringify(p.leaf_hash)}, recomputed ${JSON.stringify(hex(lh))}`);
    if (!Array.isArray(p.path) || !p.path.every((x) => typeof x === 'string' && HEX64.test(x)) || !Number.isInteger(p.index)) throw new BundleProblem(`${at}.path`, 'is not a list of 64-hex-digit hashes with an integer index');
    if (!(await verifyInclusion(hasher, lh, p.index, p.size, p.path.map(unhex), unhex(all.root)))) throw new BundleProblem(`${at}.path`, `the audit path of ${p.id} does not lead to root ${all.root}`);
    proved.add(p.id);
  }
  for (const s of record.selected || []) {
    if (!proved.has(s.target)) throw new BundleProblem('proofs.json', `no inclusion proof of the selected target ${s.target}`);
  }
  return { proofs: proofsValue.length, root: all.root, trail: trailSummary };
}

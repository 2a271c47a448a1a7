#!/usr/bin/env node
// ssj-verify: an independent verifier of ssj-v1 draw records, written from
// docs/draw-spec.md. One ES module for node (CLI below) and the browser
// (import { verify } from './ssj-verify.mjs', with an import map for
// @noble/curves).
//
//   node verifier/ssj-verify.mjs RECORD --targets FILE [--inspectors FILE] [--fallback FILE] [--anchor HEX] [--keyring FILE] [--require-approvals] [--threads auto|1|2] [--json]
//   node verifier/ssj-verify.mjs BUNDLE_DIR [--anchor HEX] [--keyring FILE] [--require-approvals] [--threads auto|1|2] [--json]
//
// Exit 0: verified. 1: the record differs from its recomputation (the first
// difference is named by JSON path with both values). 2: bad usage or
// unreadable input.

import { makeHasher, SUITES, DEFAULT_SUITE } from './lib/hash.mjs';
import { startHelper } from './lib/parallel.mjs';
import { prefetchBeacons } from './lib/sources.mjs';
import { parseStrict, canonical, JSONError } from './lib/canon.mjs';
import { decodeText, readPool, PoolError, commitment, targetLeaf, inspectorLeaf } from './lib/pools.mjs';
import { readPoolText } from './lib/xlsx.mjs';
import { verifyRecord, Difference } from './lib/draw.mjs';
import { formatUTC } from './lib/time.mjs';
import { parseKeyring, checkLockSignature, anchorOf, verifyEd25519, lockBody, LOCK_CONTEXT } from './lib/sign.mjs';
import { checkBundle, verifyInclusion, BundleProblem, BUNDLE_FILES, BUNDLE_NOT_CHECKED } from './lib/bundle.mjs';
import { checkTrail, checkHead, TrailProblem } from './lib/trail.mjs';

const BUNDLE_TRAIL_FILES = ['trail.jsonl', 'checkpoint.txt'];

export { makeHasher, SUITES, startHelper, parseStrict, canonical, decodeText, readPool, commitment, targetLeaf, inspectorLeaf, verifyRecord, Difference, PoolError, JSONError, formatUTC };
export { parseKeyring, checkLockSignature, anchorOf, verifyEd25519, lockBody, LOCK_CONTEXT, checkBundle, verifyInclusion, BUNDLE_FILES, BUNDLE_NOT_CHECKED, checkTrail, checkHead, TrailProblem };
export { upliftedClass } from './lib/draw.mjs';
export { deriveRandomness, verifyBeacon, lotteryCanonical, QUICKNET } from './lib/sources.mjs';
export { Matcher, replay, groupsHash, groupDigest, MATCH_OPTIONS } from './lib/match.mjs';
export { ratioQuota, totalQuotas, normalize, diffJSON, MANIFEST } from './lib/draw.mjs';

/** InputError is input that cannot be read (exit 2). */
export class InputError extends Error {}

const HEX64 = /^[0-9a-f]{64}$/;

// parseJSONFile reads a JSON file (UTF-8, a leading BOM ignored). Text that
// is not UTF-8 or not one JSON document is unreadable (InputError, exit 2);
// with numbers=true a float or an integer beyond 2^53 in valid JSON is a
// Difference at path "record" (spec §10.4: such a document does not verify).
function parseJSONFile(bytes, name, numbers = false) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return parseStrict(text);
  } catch (e) {
    if (numbers && e instanceof JSONError && e.kind === 'number') throw new Difference('record', null, null, e.message);
    throw new InputError(`${name}: ${e.message}`);
  }
}

/**
 * verify checks a draw from the bytes of its files: {record, targets,
 * inspectors?, fallback?} (Uint8Array each), and for a bundle (`ssj task
 * export`) also {manifest?, proofs?}; names holds the file names for
 * messages. Options: anchor (hex, §10.3), keyring (the bytes of a keyring
 * file, §10.2: the lock must then be signed by a key in it held by
 * lock.by, and every replacement approval present must be signed by its
 * approver's deputy_head key valid at the replacement's at: Appendix C
 * §5.1, R18), requireApprovals (every replacement must carry an approval),
 * progress(step), webcrypto (send every hash through WebCrypto),
 * parallel ('auto': in a browser a helper thread for a targets file of
 * 1 MiB or more, in node none; true, false), helper (a started helper of lib/parallel.mjs to use and
 * leave running) and chunks (the hasher's chunk sizes, for tests).
 * It resolves to the summary when verified, and rejects with a Difference
 * (exit 1) or an InputError (exit 2).
 */
export async function verify(files, { names = {}, progress = () => {}, webcrypto = false, anchor, keyring, requireApprovals = false, parallel = 'auto', helper: given = null, chunks } = {}) {
  // A large draw shares its bulk hashing (and, in node, the drand pairing
  // check) with a helper thread; a small one is not worth starting it.
  // A helper given by the caller is used and left running.
  let helper = given;
  if (!helper && !webcrypto && (parallel === true || (parallel === 'auto' && files.targets && files.targets.length >= PARALLEL_BYTES && (await helperByDefault())))) helper = await startHelper();
  try {
    return await verifyWith(makeHasher({ webcrypto, helper, chunks }), files, { names, progress, anchor, keyring, requireApprovals });
  } finally {
    if (helper && helper !== given) helper.close();
  }
}

// PARALLEL_BYTES is the size of targets file from which verify starts a helper thread.
const PARALLEL_BYTES = 1 << 20;

/**
 * helperByDefault reports whether 'auto' starts a helper thread: in a
 * browser yes (the page's thread stays free for the page), in node no. On
 * this project's 2-core machine the helper made node slower, not faster:
 * at load average 5 a 100k-target draw took 1.35 s with it against 1.18 s
 * without (parsing and hashing on the main thread slowed more than the
 * drand check and the shared chunks saved), and 15-20 % slower at load 25.
 * `--threads 2` (parallel: true) still starts it.
 */
async function helperByDefault() {
  return !(typeof process !== 'undefined' && process.versions && process.versions.node);
}

async function verifyWith(hasher, files, { names, progress, anchor, keyring, requireApprovals }) {
  if (anchor !== undefined && anchor !== null && anchor !== '' && !HEX64.test(anchor)) throw new InputError(`--anchor ${JSON.stringify(anchor)}: want 64 lower-case hex digits`);
  let keys;
  if (keyring) {
    try {
      keys = parseKeyring(parseJSONFile(keyring, names.keyring || 'keyring'));
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`${names.keyring || 'keyring'}: ${e.message}`);
    }
  }
  const record = parseJSONFile(files.record, names.record || 'record', true);
  if (record && typeof record === 'object' && record.manifest && typeof record.manifest === 'object') await prefetchBeacons(hasher, hasher.helper, record.manifest.sources, record.evidence);
  const manifest = files.manifest ? parseJSONFile(files.manifest, names.manifest || 'manifest.json') : undefined;
  const proofs = files.proofs ? parseJSONFile(files.proofs, names.proofs || 'proofs.json') : undefined;
  let targets;
  let pools = null;
  await progress('read');
  try {
    targets = readPool(await readPoolText(files.targets, names.targets), 'targets', names.targets || 'targets');
    if (files.inspectors) {
      pools = { home: readPool(await readPoolText(files.inspectors, names.inspectors), 'inspectors', names.inspectors || 'inspectors'), fallback: [] };
      if (files.fallback) pools.fallback = readPool(await readPoolText(files.fallback, names.fallback), 'inspectors', names.fallback || 'fallback');
    } else if (files.fallback) {
      throw new InputError('--fallback needs --inspectors');
    }
  } catch (e) {
    if (e instanceof PoolError) throw new InputError(e.message);
    throw e;
  }
  const summary = await verifyRecord(hasher, record, targets, pools, progress, { anchor, keyring: keys, approvals: keys, requireApprovals });
  if (manifest !== undefined || proofs !== undefined || files.trail !== undefined || files.checkpoint !== undefined) {
    await progress('bundle');
    let trail;
    let checkpoint;
    try {
      if (files.trail !== undefined) trail = new TextDecoder('utf-8', { fatal: true }).decode(files.trail);
      if (files.checkpoint !== undefined) checkpoint = new TextDecoder('utf-8', { fatal: true }).decode(files.checkpoint);
    } catch {
      throw new InputError(`${trail === undefined ? names.trail || 'trail.jsonl' : names.checkpoint || 'checkpoint.txt'}: not UTF-8`);
    }
    if (checkpoint !== undefined && trail === undefined) throw new Difference('trail.jsonl', null, null, 'checkpoint.txt is the head of a trail, but the bundle has no trail.jsonl');
    try {
      // The bundle's hashes are those of the record's suite (verified above).
      const b = await checkBundle(hasher.forSuite(record.manifest.suite ?? DEFAULT_SUITE), record, targets, manifest, proofs, { trail, checkpoint });
      const notChecked = BUNDLE_TRAIL_FILES.filter((f) => files[f === 'trail.jsonl' ? 'trail' : 'checkpoint'] === undefined);
      summary.bundle = { manifest: manifest !== undefined, proofs_file: proofs !== undefined, proofs: b.proofs, trail: b.trail ?? null, not_checked: notChecked };
    } catch (e) {
      if (e instanceof BundleProblem) throw new Difference(e.path, null, null, e.detail);
      throw e;
    }
  }
  return summary;
}

const USAGE = `usage: node ssj-verify.mjs RECORD --targets FILE [--inspectors FILE] [--fallback FILE] [--anchor HEX] [--keyring FILE] [--require-approvals] [--threads auto|1|2] [--json]
       node ssj-verify.mjs BUNDLE_DIR [--anchor HEX] [--keyring FILE] [--require-approvals] [--threads auto|1|2] [--json]

Re-runs a published ssj draw record (ssj-v1.1) from its manifest, its
evidence and the pool files (CSV, UTF-8 or GB18030) as docs/draw-spec.md
specifies, and prints "verified" (exit 0) or the first difference (exit 1).
BUNDLE_DIR is a directory written by \`ssj task export\`: record.json with
targets.csv, inspectors.csv, fallback.csv, and manifest.json and
proofs.json checked against them. --anchor: the chain anchor from the task
announcement or the trail (§10.3). --keyring: the lock must be signed by a
key of this keyring (ssj publish keygen) held by lock.by (§10.2), and
every replacement approval present must be signed by its approver's
deputy_head key, valid at the replacement's time (Appendix C §5.1, R18).
--require-approvals: every replacement must carry an approval (R18).
--threads: 2 shares the hashing of a large draw (and the drand check) with
a second thread; 1 and auto (default) do not: measured here, the second
thread made node slower. The result is the same either way.
Exit 2: bad usage or unreadable input.`;

/** parseArgs reads the command line; flags and RECORD in any order. */
export function parseArgs(argv) {
  const out = { json: false };
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      val = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    switch (a) {
      case '--json':
        out.json = true;
        break;
      case '--require-approvals':
        if (val !== undefined) throw new InputError('--require-approvals takes no value');
        out.requireApprovals = true;
        break;
      case '-h':
      case '--help':
        out.help = true;
        break;
      case '--targets':
      case '--inspectors':
      case '--fallback':
      case '--anchor':
      case '--threads':
      case '--keyring': {
        if (val === undefined) {
          if (i + 1 >= argv.length) throw new InputError(`${a} needs a ${a === '--anchor' ? 'HEX' : 'FILE'}`);
          val = argv[++i];
        }
        out[a.slice(2)] = val;
        break;
      }
      default:
        if (a.startsWith('-')) throw new InputError(`unknown flag ${a}`);
        pos.push(a);
    }
  }
  if (out.help) return out;
  if (pos.length !== 1) throw new InputError(pos.length === 0 ? 'RECORD or BUNDLE_DIR is required' : `unexpected argument ${JSON.stringify(pos[1])}`);
  out.record = pos[0];
  if (out.anchor !== undefined && !HEX64.test(out.anchor)) throw new InputError(`--anchor ${JSON.stringify(out.anchor)}: want 64 lower-case hex digits`);
  if (out.threads !== undefined && !['auto', '1', '2'].includes(out.threads)) throw new InputError(`--threads ${JSON.stringify(out.threads)}: want auto, 1 or 2`);
  return out;
}

/**
 * loadFiles reads the files named by parsed arguments (node only). When
 * RECORD is a directory it is read as a bundle: record.json, targets.csv,
 * inspectors.csv and fallback.csv when present, manifest.json, proofs.json.
 */
export async function loadFiles(args) {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const read = async (p) => {
    try {
      return new Uint8Array(await fs.readFile(p));
    } catch (e) {
      throw new InputError(`${p}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message}`);
    }
  };
  let st;
  try {
    st = await fs.stat(args.record);
  } catch (e) {
    throw new InputError(`${args.record}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
  }
  if (st.isDirectory()) {
    if (args.targets || args.inspectors || args.fallback) throw new InputError(`${args.record} is a bundle directory: --targets, --inspectors and --fallback come from it`);
    const dir = args.record;
    const files = {};
    const names = {};
    const missing = [];
    const keyOf = { 'record.json': 'record', 'manifest.json': 'manifest', 'targets.csv': 'targets', 'inspectors.csv': 'inspectors', 'fallback.csv': 'fallback', 'proofs.json': 'proofs', 'trail.jsonl': 'trail', 'checkpoint.txt': 'checkpoint' };
    for (const name of BUNDLE_FILES) {
      const p = path.join(dir, name);
      try {
        files[keyOf[name]] = new Uint8Array(await fs.readFile(p));
        names[keyOf[name]] = p;
      } catch (e) {
        if (e.code !== 'ENOENT') throw new InputError(`${p}: ${e.message}`);
        if (name === 'record.json' || name === 'targets.csv') throw new InputError(`${dir}: not a bundle (ssj task export): no ${name}`);
        if (name === 'trail.jsonl') missing.push(name);
      }
    }
    if (args.keyring) {
      files.keyring = await read(args.keyring);
      names.keyring = args.keyring;
    }
    return { files, names, missing };
  }
  if (!args.targets) throw new InputError('--targets FILE is required (or give a bundle directory)');
  const files = { record: await read(args.record), targets: await read(args.targets) };
  if (args.inspectors) files.inspectors = await read(args.inspectors);
  if (args.fallback) files.fallback = await read(args.fallback);
  if (args.keyring) files.keyring = await read(args.keyring);
  const names = { record: args.record, targets: args.targets, inspectors: args.inspectors, fallback: args.fallback, keyring: args.keyring };
  return { files, names };
}

/** main runs the CLI and returns the exit code. */
export async function main(argv, out = process.stdout, err = process.stderr) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    err.write(`ssj-verify: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    out.write(USAGE + '\n');
    return 0;
  }
  try {
    const { files, names, missing = [] } = await loadFiles(args);
    const parallel = { 1: false, 2: true }[args.threads] ?? 'auto';
    const s = await verify(files, { names, anchor: args.anchor, keyring: files.keyring, requireApprovals: !!args.requireApprovals, parallel });
    // ssj task export always writes the trail: a bundle without it does not verify.
    if (missing.length > 0) throw new Difference(missing[0], null, null, `${missing[0]} is missing from the bundle ${args.record}`);
    if (args.json) out.write(JSON.stringify(s) + '\n');
    else {
      out.write(`verified: task ${s.task}, ${s.selected} targets selected, shortfall ${s.shortfall}, ${s.groups} groups, ${s.replacements} replacements, ${s.locked ? 'locked' : 'not locked'}${s.manipulation_resistant ? '' : ', NOT manipulation-resistant (manual source)'}\nmanifest_hash ${s.manifest_hash}\n`);
      if (s.locked) out.write(`lock_hash ${s.lock_hash}\nanchor ${s.anchor} (${s.replacements} replacements; ${s.anchor_matches ? 'matches --anchor' : 'compare it with the announced anchor, or pass --anchor'})\n`);
      if (s.signature) out.write(`lock signed: ${s.signature}\n`);
      if (s.replacements > 0) out.write(`approvals ${s.approvals_signed} of ${s.replacements} replacements signed (${s.approvals_checked ? 'each checked against --keyring' : 'not checked: pass --keyring'})\n`);
      if (s.bundle) {
        const t = s.bundle.trail;
        const parts = [s.bundle.manifest ? "manifest.json is the record's" : 'no manifest.json', s.bundle.proofs_file ? `${s.bundle.proofs} inclusion proofs check against targets.csv` : 'no proofs.json'];
        if (t) parts.push(`trail.jsonl verifies (${t.suite}, ${t.events} events, ${t.checkpoints} checkpoints, head ${t.head})${t.checkpoint_txt ? ' and checkpoint.txt is its head' : ', no checkpoint.txt'}`);
        if (s.bundle.not_checked.length > 0) parts.push(`not given: ${s.bundle.not_checked.join(', ')}`);
        out.write(`bundle: ${parts.join('; ')}\n`);
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof Difference) {
      if (args.json) {
        const o = { verified: false, path: e.path, error: e.message };
        if (e.record !== null && e.record !== undefined) o.record = e.record;
        if (e.recomputed !== null && e.recomputed !== undefined) o.recomputed = e.recomputed;
        out.write(JSON.stringify(o) + '\n');
      } else out.write(`NOT verified: ${args.record}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof InputError) {
      err.write(`ssj-verify: ${e.message}\n`);
      return 2;
    }
    err.write(`ssj-verify: internal error: ${e.stack || e}\n`);
    return 2;
  }
}

const isMain = typeof process !== 'undefined' && process.argv && process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL((await import('node:fs')).realpathSync(process.argv[1])).href;
if (isMain) process.exitCode = await main(process.argv.slice(2));

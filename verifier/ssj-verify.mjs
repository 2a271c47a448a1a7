#!/usr/bin/env node
// ssj-verify: an independent verifier of ssj-v1 draw records, written from
// docs/draw-spec.md. One ES module for node (CLI below) and the browser
// (import { verify } from './ssj-verify.mjs', with an import map for
// @noble/curves).
//
//   node verifier/ssj-verify.mjs RECORD --targets FILE [--inspectors FILE] [--fallback FILE] [--json]
//
// Exit 0: verified. 1: the record differs from its recomputation (the first
// difference is named by JSON path with both values). 2: bad usage or
// unreadable input.

import { makeHasher } from './lib/hash.mjs';
import { parseStrict, canonical, JSONError } from './lib/canon.mjs';
import { decodeText, readPool, PoolError, commitment, targetLeaf, inspectorLeaf } from './lib/pools.mjs';
import { verifyRecord, Difference } from './lib/draw.mjs';
import { formatUTC } from './lib/time.mjs';

export { makeHasher, parseStrict, canonical, decodeText, readPool, commitment, targetLeaf, inspectorLeaf, verifyRecord, Difference, PoolError, JSONError, formatUTC };
export { deriveRandomness, verifyBeacon, lotteryCanonical, QUICKNET } from './lib/sources.mjs';
export { Matcher, replay, groupsHash, groupDigest, MATCH_OPTIONS } from './lib/match.mjs';
export { ratioQuota, totalQuotas, normalize, diffJSON, MANIFEST } from './lib/draw.mjs';

/** InputError is input that cannot be read (exit 2). */
export class InputError extends Error {}

/**
 * verify checks a draw from the bytes of its files: {record, targets,
 * inspectors?, fallback?} (Uint8Array each; names in `names` for messages).
 * It resolves to the summary when verified, and rejects with a Difference
 * (exit 1) or an InputError (exit 2).
 */
export async function verify(files, { names = {}, progress, webcrypto = false } = {}) {
  const hasher = makeHasher({ webcrypto });
  let record;
  try {
    record = parseStrict(new TextDecoder('utf-8', { fatal: true }).decode(files.record));
  } catch (e) {
    throw new InputError(`${names.record || 'record'}: ${e.message}`);
  }
  let targets;
  let pools = null;
  try {
    targets = readPool(decodeText(files.targets, names.targets), 'targets', names.targets || 'targets');
    if (files.inspectors) {
      pools = { home: readPool(decodeText(files.inspectors, names.inspectors), 'inspectors', names.inspectors || 'inspectors'), fallback: [] };
      if (files.fallback) pools.fallback = readPool(decodeText(files.fallback, names.fallback), 'inspectors', names.fallback || 'fallback');
    } else if (files.fallback) {
      throw new InputError('--fallback needs --inspectors');
    }
  } catch (e) {
    if (e instanceof PoolError) throw new InputError(e.message);
    throw e;
  }
  return verifyRecord(hasher, record, targets, pools, progress);
}

const USAGE = `usage: node ssj-verify.mjs RECORD --targets FILE [--inspectors FILE] [--fallback FILE] [--json]

Re-runs a published ssj-v1 draw record from its manifest, its evidence and
the pool files (CSV, UTF-8 or GB18030) as docs/draw-spec.md specifies, and
prints "verified" (exit 0) or the first difference (exit 1). Exit 2: bad
usage or unreadable input.`;

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
      case '-h':
      case '--help':
        out.help = true;
        break;
      case '--targets':
      case '--inspectors':
      case '--fallback': {
        if (val === undefined) {
          if (i + 1 >= argv.length) throw new InputError(`${a} needs a FILE`);
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
  if (pos.length !== 1) throw new InputError(pos.length === 0 ? 'RECORD is required' : `unexpected argument ${JSON.stringify(pos[1])}`);
  out.record = pos[0];
  // A bundle directory (the office's `ssj task export`) is pending: when it
  // is defined, loadFiles below reads RECORD as a directory and fills
  // targets/inspectors/fallback from the bundle's index.
  if (!out.targets) throw new InputError('--targets FILE is required');
  return out;
}

/** loadFiles reads the files named by parsed arguments (node only). */
export async function loadFiles(args) {
  const fs = await import('node:fs/promises');
  const read = async (p) => {
    try {
      return new Uint8Array(await fs.readFile(p));
    } catch (e) {
      throw new InputError(`${p}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
  };
  const files = { record: await read(args.record), targets: await read(args.targets) };
  if (args.inspectors) files.inspectors = await read(args.inspectors);
  if (args.fallback) files.fallback = await read(args.fallback);
  const names = { record: args.record, targets: args.targets, inspectors: args.inspectors, fallback: args.fallback };
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
    const { files, names } = await loadFiles(args);
    const s = await verify(files, { names });
    if (args.json) out.write(JSON.stringify(s) + '\n');
    else out.write(`verified: task ${s.task}, ${s.selected} targets selected, shortfall ${s.shortfall}, ${s.groups} groups, ${s.replacements} replacements, ${s.locked ? 'locked' : 'not locked'}${s.manipulation_resistant ? '' : ', NOT manipulation-resistant (manual source)'}\nmanifest_hash ${s.manifest_hash}\n`);
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

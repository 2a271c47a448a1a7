#!/usr/bin/env node
// vendor-noble.mjs copies the ES modules of @noble/curves and @noble/hashes
// that the verifier imports in the browser (bls12-381.js for drand,
// ed25519.js for lock signatures, and everything they import) from
// node_modules (npm ci, the versions of package-lock.json) into
// third_party/, with the packages' LICENSE and package.json, so that
// package verifier (embed.go) builds without node_modules and the server
// serves the same bytes npm installs. Run it after changing the lock file:
//   cd verifier && npm ci && node vendor-noble.mjs
// test/vendor.test.mjs fails when third_party/ and node_modules differ.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nm = join(here, 'node_modules');
export const ENTRIES = ['@noble/curves/bls12-381.js', '@noble/curves/ed25519.js', '@noble/curves/abstract/weierstrass.js'];

/** closure returns the node_modules-relative paths of the entries and every module they import. */
export function closure(base = nm) {
  const seen = new Set();
  const walk = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    const s = readFileSync(f, 'utf8');
    for (const m of s.matchAll(/(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
      const p = m[1] || m[2];
      walk(p.startsWith('.') ? resolve(dirname(f), p) : join(base, p));
    }
  };
  for (const e of ENTRIES) walk(join(base, e));
  const files = [...seen].map((f) => relative(base, f));
  for (const pkg of ['@noble/curves', '@noble/hashes']) files.push(`${pkg}/LICENSE`, `${pkg}/package.json`);
  return files.sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = join(here, 'third_party');
  rmSync(out, { recursive: true, force: true });
  const files = closure();
  for (const f of files) {
    mkdirSync(dirname(join(out, f)), { recursive: true });
    copyFileSync(join(nm, f), join(out, f));
  }
  writeFileSync(join(out, 'FILES.txt'), files.join('\n') + '\n');
  console.log(`${files.length} files copied into ${relative(process.cwd(), out) || '.'}`);
}

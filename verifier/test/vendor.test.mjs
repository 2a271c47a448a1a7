// third_party/ holds the browser's copy of @noble/curves and @noble/hashes
// (embedded by embed.go): it must be byte-identical to what npm ci installs
// from package-lock.json, and complete (every module the entries import).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { closure } from '../vendor-noble.mjs';

const here = fileURLToPath(new URL('../', import.meta.url));

test('third_party/ is node_modules\' @noble files, byte for byte (regenerate: node vendor-noble.mjs)', () => {
  const files = closure();
  assert.deepEqual(readFileSync(here + 'third_party/FILES.txt', 'utf8').trim().split('\n'), files);
  for (const f of files) assert.ok(readFileSync(here + 'third_party/' + f).equals(readFileSync(here + 'node_modules/' + f)), f);
  const lock = JSON.parse(readFileSync(here + 'package-lock.json', 'utf8'));
  for (const pkg of ['@noble/curves', '@noble/hashes']) {
    assert.equal(JSON.parse(readFileSync(here + `third_party/${pkg}/package.json`, 'utf8')).version, lock.packages[`node_modules/${pkg}`].version, pkg);
  }
});

test('third_party/ is complete: its own closure is the same file list', () => {
  assert.deepEqual(closure(here + 'third_party'), readFileSync(here + 'third_party/FILES.txt', 'utf8').trim().split('\n'));
});

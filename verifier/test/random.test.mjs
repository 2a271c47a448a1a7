// Seeded random round trips of the decoders of outside input (the pool
// CSV, times, canonical JSON): node has no fuzzer, so these draw many
// inputs from a fixed seed and check properties that must always hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCSV } from '../lib/pools.mjs';
import { parseRFC3339, formatUTC, parseTime } from '../lib/time.mjs';
import { canonical, parseStrict, JSONError } from '../lib/canon.mjs';

// mulberry32: a small seeded generator (test data only).
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('CSV: any fields written RFC 4180 style read back as written', () => {
  const r = rng(12);
  const alphabet = ['a', 'Z', '0', ' ', ',', '"', '\n', '\r\n', '甲', '；', '\t', '𠀀'];
  for (let n = 0; n < 3000; n++) {
    const rows = [];
    const nrows = 1 + Math.floor(r() * 4);
    const ncols = 1 + Math.floor(r() * 4);
    for (let i = 0; i < nrows; i++) {
      const row = [];
      for (let j = 0; j < ncols; j++) {
        let f = '';
        const len = Math.floor(r() * 6);
        for (let k = 0; k < len; k++) f += alphabet[Math.floor(r() * alphabet.length)];
        row.push(f);
      }
      if (ncols === 1 && row[0] === '') row[0] = 'x'; // an empty one-field row is an empty line, skipped
      rows.push(row);
    }
    const eol = r() < 0.5 ? '\n' : '\r\n';
    const text = rows.map((row) => row.map((f) => (/[",\r\n]/.test(f) || r() < 0.2 ? `"${f.replace(/"/g, '""')}"` : f)).join(',')).join(eol) + (r() < 0.5 ? eol : '');
    const want = rows.map((row) => row.map((f) => f.replace(/\r\n/g, '\n')));
    assert.deepEqual(parseCSV(text).map((x) => x[1]), want, JSON.stringify(text));
  }
});

test('times: formatUTC and parseRFC3339 round-trip; parseTime takes exactly the canonical form', () => {
  const r = rng(34);
  for (let n = 0; n < 5000; n++) {
    const sec = BigInt(Math.floor(r() * 253402300799)); // 0001..9999 would need negatives; 1970..9999 here
    const frac = r() < 0.5 ? 0n : BigInt(Math.floor(r() * 1e9));
    const ns = sec * 1000000000n + frac;
    const s = formatUTC(ns);
    assert.equal(parseRFC3339(s), ns, s);
    assert.equal(parseTime(s), ns, s);
    const d = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
    assert.equal(s.slice(0, 19), d.padStart(19, '0'));
  }
  assert.equal(parseTime('2026-09-17T15:13:42.500Z'), null);
  assert.equal(parseTime('2026-09-17T15:13:42+00:00'), null);
  assert.equal(parseTime('2026-02-29T00:00:00Z'), null);
  assert.equal(parseTime('2026-09-17T23:13:42+08:00'), parseTime('2026-09-17T15:13:42Z'));
});

test('canonical JSON: parse then canonicalise is a fixed point; floats are refused', () => {
  const r = rng(56);
  const gen = (depth) => {
    const x = r();
    if (depth > 3 || x < 0.3) return Math.floor((r() - 0.5) * 2 ** 40);
    if (x < 0.5) return String.fromCharCode(...Array.from({ length: Math.floor(r() * 5) }, () => [0x22, 0x5c, 0x0a, 0x01, 0x41, 0x7f, 0x2028, 0x7532, 0xd83d, 0xde00][Math.floor(r() * 10)]));
    if (x < 0.6) return r() < 0.5;
    if (x < 0.8) return Array.from({ length: Math.floor(r() * 4) }, () => gen(depth + 1));
    const o = {};
    for (let i = 0; i < 4; i++) o[String.fromCharCode(0x61 + Math.floor(r() * 5), Math.floor(r() * 0x3000))] = gen(depth + 1);
    return o;
  };
  for (let n = 0; n < 2000; n++) {
    const v = gen(0);
    const c = canonical(v);
    assert.equal(canonical(parseStrict(c)), c);
    assert.equal(canonical(parseStrict(JSON.stringify(v, null, 2))), c);
  }
  for (const bad of ['1.0', '{"a":1e3}', '[9007199254740993]', '{"a":-0.5}']) assert.throws(() => parseStrict(bad), JSONError, bad);
  assert.deepEqual(parseStrict('{"a":"1.5e3","b":[-2]}'), { a: '1.5e3', b: [-2] });
});

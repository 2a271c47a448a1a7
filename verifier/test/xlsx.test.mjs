// XLSX pool files (lib/xlsx.mjs; docs/draw-spec.md Appendix E §1). The
// fixtures are the first 40 targets of examples/data written by ssj as
// XLSX (registry.WriteTargetsXLSX) and as CSV; verifier/xlsxtest (Go)
// compares the reader with registry.ReadXLSX on many more workbooks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readPool, commitment, targetLeaf, makeHasher, PoolError } from '../ssj-verify.mjs';
import { readPoolText, readXLSX, isXLSX } from '../lib/xlsx.mjs';

const xlsx = readFileSync(new URL('./testdata/targets-40.xlsx', import.meta.url));
const csv = readFileSync(new URL('./testdata/targets-40.csv', import.meta.url));
const root = async (bytes, name) => {
  const units = readPool(await readPoolText(bytes, name), 'targets', name);
  return commitment(makeHasher({}), units, (u) => u.id, targetLeaf);
};

test('an XLSX pool reads to the same units as its CSV twin', async () => {
  assert.ok(isXLSX(xlsx));
  assert.ok(!isXLSX(csv));
  const a = await root(xlsx, 'targets-40.xlsx');
  const b = await root(csv, 'targets-40.csv');
  assert.equal(a.count, 40);
  assert.deepEqual(a, b);
});

test('rows are numbered as in the sheet, header first', async () => {
  const rows = await readXLSX(xlsx, 'targets-40.xlsx');
  assert.equal(rows.length, 41);
  assert.deepEqual(rows.map(([r]) => r), Array.from({ length: 41 }, (_, i) => i + 1));
  assert.equal(rows[0][1][0], 'id');
});

// Damaged workbooks (truncated, bytes flipped anywhere) must be refused
// with a PoolError naming the file, or read to the same units (a flip in a
// part that does not matter, e.g. docProps): never other units, never
// another exception.
test('damaged workbooks are refused with a PoolError, never a crash', async () => {
  let seed = 12345;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const want = await root(xlsx, 'targets-40.xlsx');
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    const b = Uint8Array.from(xlsx);
    let d;
    if (i % 3 === 0) d = b.subarray(0, rand(b.length));
    else {
      for (let k = 0; k <= rand(4); k++) b[rand(b.length)] ^= 1 + rand(255);
      d = b;
    }
    try {
      assert.deepEqual(await root(d, 'damaged.xlsx'), want, `case ${i} read to other units`);
    } catch (e) {
      if (!(e instanceof PoolError)) throw e instanceof assert.AssertionError ? e : new Error(`case ${i}: ${e.stack}`);
      assert.match(e.message, /damaged\.xlsx/);
      refused++;
    }
  }
  assert.ok(refused > 100, `${refused} of 300 refused`);
});

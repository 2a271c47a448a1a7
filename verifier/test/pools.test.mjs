// Pool files (docs/draw-spec.md Appendix D): CSV syntax, cells, leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCSV, readPool, decodeText, targetLeaf, writeTargetLeaf, LeafWriter, inspectorLeaf, trim, PoolError, usccProblem, sortByLabel } from '../lib/pools.mjs';
import { canonical } from '../lib/canon.mjs';
import { formatUTC } from '../lib/time.mjs';

const enc = new TextEncoder();

test('CSV: RFC 4180 quotes, CRLF, empty lines, start lines', () => {
  const recs = parseCSV('a,b\r\n\r\n"x,1","say ""hi"""\n"two\r\nlines",\n,\nlast');
  assert.deepEqual(recs, [
    [1, ['a', 'b']],
    [3, ['x,1', 'say "hi"']],
    [4, ['two\nlines', '']],
    [6, ['', '']],
    [7, ['last']],
  ]);
  assert.throws(() => parseCSV('a,b"c\n'), /bare "/);
  assert.throws(() => parseCSV('"a"b,c\n'), /extraneous or missing "/);
  assert.throws(() => parseCSV('"open\n'), /extraneous or missing "/);
});

test('cells: white space as Go trims it (not U+FEFF, but U+3000 and U+0085)', () => {
  assert.equal(trim('\u3000 x \u0085'), 'x');
  assert.equal(trim('\uFEFFx'), '\uFEFFx');
});

test('USCC check character (GB 32100-2015)', () => {
  assert.equal(usccProblem('91440103MAT410000M'), '');
  assert.match(usccProblem('91440103MAT410000N'), /check character/);
  assert.match(usccProblem('91440103MAT41000'), /18/);
});

const HEAD = 'id,name,kind,jurisdiction,industry,credit_class,abnormal,serious_violation,complaints,status,departments\n';

test('targets: Chinese headers and spellings after a title row, GB18030 or UTF-8 with BOM', () => {
  const zh = '某区名录\n\n序号,统一社会信用代码,名称,类型,辖区,行业,信用风险分类,经营异常名录,严重违法失信,投诉数,状态,监管部门\n1,91440103mat410000m,"甲,乙""店",市场主体,440103,H6110,b,是,无,2.0,存续, 治安；消防 ;\n';
  const [u] = readPool(zh, 'targets', 'zh.csv');
  assert.deepEqual({ ...u }, {
    row: 4, id: '91440103MAT410000M', name: '甲,乙"店', kind: 'entity', jurisdiction: '440103', industry: 'H6110', credit_class: 'B',
    abnormal: true, serious_violation: false, complaints: 2, status: 'active', departments: ['治安', '消防'],
  });
  const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode(zh)]);
  assert.equal(decodeText(bom), zh);
  // "名称" in GB18030 is C3 FB B3 C6.
  assert.equal(decodeText(Uint8Array.from([0xc3, 0xfb, 0xb3, 0xc6])), '名称');
});

test('targets: problems name file, row, column and value', () => {
  const bad = (body, re) => assert.throws(() => readPool(HEAD + body, 'targets', 't.csv'), (e) => e instanceof PoolError && re.test(e.message));
  bad('91440103MAT410000M,n,entity,44010,H,A,,,,active,治安\n', /t\.csv: row 2: column jurisdiction: .*"44010"/);
  bad('91440103MAT410000M,n,entity,440103,H,E,,,,active,治安\n', /credit class/);
  bad('91440103MAT410000M,n,robot,440103,H,A,,,,active,治安\n', /unknown kind/);
  bad('91440103MAT410000M,n,entity,440103,H,A,maybe,,,active,治安\n', /column abnormal/);
  bad('91440103MAT410000M,n,entity,440103,H,A,,,-1,active,治安\n', /column complaints/);
  bad('91440103MAT410000M,n,entity,440103,H,A,,,,active,治安;治安\n', /repeated/);
  bad('91440103MAT410000M,n,entity,440103,H,A,,,,active,治安\n91440103MAT410000M,m,entity,440103,H,A,,,,active,治安\n', /row 3: column id: duplicate ID: first at row 2/);
  assert.throws(() => readPool('cert,name,department,unit,jurisdiction\n', 'targets', 'i.csv'), /header is that of inspectors/);
  assert.throws(() => readPool('a,b\n', 'targets', 'x.csv'), /no header row/);
});

test('leaves: the fast writer equals targetLeaf equals canonical JSON', () => {
  const t = {
    id: 'P-"\\\u0001', name: 'x', kind: 'product', jurisdiction: '440103', industry: 'H\u2028', credit_class: 'A',
    abnormal: false, serious_violation: true, complaints: 9007199254740992, status: 'closed', departments: ['治安', 'a"b'],
  };
  const { name, ...fields } = t;
  assert.equal(targetLeaf(t), canonical(fields));
  const w = new LeafWriter();
  writeTargetLeaf(t, w);
  writeTargetLeaf(t, w.reset()); // memo hits
  assert.equal(new TextDecoder().decode(w.buf.subarray(0, w.n)), targetLeaf(t));
});

test('inspectors: periods, interests, on-duty spellings; leaf times in UTC', () => {
  const csv = '执法证号,姓名,部门,单位,辖区,执法资格,可任组长,不可用时段,利害关系,在岗\n' +
    'ZA1,张三,治安,分局,440103,ZA-01；XF-02,是,2026-10-01/2026-10-03 年假;2026-11-01T09:00:00+08:00/2026-11-01T17:30:00.5+08:00,91440103MAT410000M：近亲属,离岗\n';
  const [i] = readPool(csv, 'inspectors', 'i.csv');
  assert.equal(i.active, false);
  assert.equal(i.leader_eligible, true);
  assert.deepEqual(i.qualifications, ['ZA-01', 'XF-02']);
  assert.deepEqual(i.interests, [{ target_id: '91440103MAT410000M', relation: 'kin' }]);
  const leaf = JSON.parse(inspectorLeaf(i, formatUTC));
  assert.deepEqual(leaf.unavailable, [
    { from: '2026-09-30T16:00:00Z', reason: '年假', to: '2026-10-03T16:00:00Z' },
    { from: '2026-11-01T01:00:00Z', reason: '', to: '2026-11-01T09:30:00.5Z' },
  ]);
  assert.equal(leaf.name, undefined);
});

test('rankOrder: the limited order is the head of the full order, ties by label', async () => {
  const { rankOrder } = await import('../lib/bytes.mjs');
  const n = 500;
  const ranks = new Uint8Array(32 * n);
  for (let i = 0; i < ranks.length; i++) ranks[i] = (i * 7919 + (i >> 5) * 31) % 251;
  for (let j = 0; j < 40; j++) ranks.copyWithin(32 * (2 * j + 1), 32 * 2 * j, 32 * 2 * j + 32); // equal ranks
  const labels = Array.from({ length: n }, (_, j) => `L${(n - j).toString().padStart(4, '0')}`);
  const full = rankOrder(ranks, labels);
  for (const k of [0, 1, 2, 7, 80, 499, 500]) assert.deepEqual(rankOrder(ranks, labels, k), full.slice(0, k), `limit ${k}`);
  for (let i = 1; i < n; i++) {
    const a = full[i - 1];
    const b = full[i];
    const ha = Buffer.from(ranks.subarray(32 * a, 32 * a + 32)).toString('hex');
    const hb = Buffer.from(ranks.subarray(32 * b, 32 * b + 32)).toString('hex');
    assert.ok(ha < hb || (ha === hb && labels[a] < labels[b]), `order at ${i}`);
  }
});

test('sortByLabel: byte order; a file already in label order is kept as it is; equal labels keep file order', () => {
  const u = (id, n) => ({ id, n });
  const sorted = [u('A', 1), u('B', 2), u('B', 3), u('C', 4)];
  const got = sortByLabel(sorted, (x) => x.id);
  assert.notEqual(got, sorted);
  assert.deepEqual(got, sorted);
  assert.deepEqual(sortByLabel([u('C', 1), u('B', 2), u('A', 3), u('B', 4)], (x) => x.id).map((x) => x.n), [3, 2, 4, 1]);
  // U+FF71 sorts before U+20000 in UTF-8 byte order (after it in UTF-16 code units).
  assert.deepEqual(sortByLabel([u('\u{20000}', 1), u('\uFF71', 2)], (x) => x.id).map((x) => x.n), [2, 1]);
});

test('sortByLabel: the radix path of large ASCII pools equals a stable comparison sort', () => {
  let seed = 7;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY -_.a~';
  const units = [];
  for (let i = 0; i < 9000; i++) {
    // Prefixes of each other, equal labels (file order must stay), lengths 1 to 24.
    const len = i % 50 === 0 ? 1 + rnd(3) : 16 + rnd(9);
    let l = '9133';
    while (l.length < len) l += alphabet[rnd(alphabet.length)];
    units.push({ id: l.slice(0, len), row: i });
    if (i % 97 === 0) units.push({ id: l.slice(0, len), row: -i });
  }
  const want = units.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)); // stable
  const got = sortByLabel(units, (u) => u.id);
  assert.deepEqual(got.map((u) => [u.id, u.row]), want.map((u) => [u.id, u.row]));
  // A label beyond 24 characters or outside ASCII takes the other paths, with the same order.
  const long = units.concat([{ id: 'Z'.repeat(30), row: 1e6 }, { id: '宾馆', row: 1e6 + 1 }]);
  const want2 = long.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  assert.deepEqual(sortByLabel(long, (u) => u.id).map((u) => u.row), want2.map((u) => u.row));
});

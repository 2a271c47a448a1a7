// XLSX pool files (docs/draw-spec.md Appendix E §1, "XLSX"): the rows of
// the first worksheet, each cell read as ssj reads it (registry.ReadXLSX,
// which reads the workbook with excelize), for the subset of cells whose
// reading the spec pins down. Anything outside the subset (a cell number
// format other than General or Text on a value, a formula cell's error,
// ZIP64, encryption, a DTD, ...) is refused with a PoolError naming the
// file and cell, never guessed: the auditor exports the sheet as CSV.
//
// No dependency: the ZIP central directory is read here, entries are
// inflated with DecompressionStream('deflate-raw') (node >= 18 and every
// current browser) and checked against their CRC-32; the XML is scanned by
// a small non-validating tokenizer (elements, attributes, character and
// predefined entity references, CDATA, comments, processing instructions).

import { PoolError, decodeText } from './pools.mjs';

/** isXLSX tells an XLSX (ZIP) file by its first bytes, PK 03 04. */
export const isXLSX = (b) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** MAX_UNZIPPED bounds one entry's unzipped size (registry.ReadXLSX's limit, 1 GiB). */
const MAX_UNZIPPED = 1 << 30;

// ---- ZIP ----

let crcTable = null;
function crc32(b) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** unzipIndex reads the central directory: name → {method, flags, csize, usize, crc, offset}. */
function unzipIndex(b, bad) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let i = b.length - 22; i >= 0 && i >= b.length - 22 - 0xffff; i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('ZIP: no end of central directory record (truncated or not a ZIP file)');
  const count = dv.getUint16(eocd + 10, true);
  const size = dv.getUint32(eocd + 12, true);
  const start = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || size === 0xffffffff || start === 0xffffffff) throw bad('ZIP64 archives are not supported');
  if (start + size > eocd) throw bad('ZIP: the central directory lies outside the file');
  const entries = new Map();
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  let p = start;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || dv.getUint32(p, true) !== 0x02014b50) throw bad(`ZIP: central directory entry ${i + 1} is damaged`);
    const e = {
      flags: dv.getUint16(p + 8, true),
      method: dv.getUint16(p + 10, true),
      crc: dv.getUint32(p + 16, true),
      csize: dv.getUint32(p + 20, true),
      usize: dv.getUint32(p + 24, true),
      offset: dv.getUint32(p + 42, true),
    };
    const nlen = dv.getUint16(p + 28, true);
    const xlen = dv.getUint16(p + 30, true);
    const clen = dv.getUint16(p + 32, true);
    const name = utf8.decode(b.subarray(p + 46, p + 46 + nlen));
    if (e.csize === 0xffffffff || e.usize === 0xffffffff || e.offset === 0xffffffff) throw bad(`ZIP64 entry ${name} is not supported`);
    entries.set(name, e);
    p += 46 + nlen + xlen + clen;
  }
  return entries;
}

/** inflate returns the raw-deflated bytes b inflated. */
async function inflate(b) {
  const ds = new DecompressionStream('deflate-raw');
  const out = new Response(new Blob([b]).stream().pipeThrough(ds));
  return new Uint8Array(await out.arrayBuffer());
}

/** entryBytes returns one entry's bytes, checked against its size and CRC-32. */
async function entryBytes(b, name, e, bad) {
  if (e.flags & 1) throw bad(`ZIP: ${name} is encrypted`);
  if (e.usize > MAX_UNZIPPED) throw bad(`ZIP: ${name} unzips to ${e.usize} bytes, over the 1 GiB limit`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const p = e.offset;
  if (p + 30 > b.length || dv.getUint32(p, true) !== 0x04034b50) throw bad(`ZIP: the local header of ${name} is damaged`);
  const from = p + 30 + dv.getUint16(p + 26, true) + dv.getUint16(p + 28, true);
  if (from + e.csize > b.length) throw bad(`ZIP: ${name} is truncated`);
  const raw = b.subarray(from, from + e.csize);
  let data;
  if (e.method === 0) data = raw;
  else if (e.method === 8) {
    try {
      data = await inflate(raw);
    } catch (err) {
      throw bad(`ZIP: ${name} does not inflate (${err.message})`);
    }
  } else throw bad(`ZIP: ${name} uses compression method ${e.method} (want 0 stored or 8 deflate)`);
  if (data.length !== e.usize) throw bad(`ZIP: ${name} unzips to ${data.length} bytes, the directory says ${e.usize}`);
  if (crc32(data) !== e.crc) throw bad(`ZIP: ${name} fails its CRC-32 check`);
  return data;
}

// ---- XML ----

const ENTITIES = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** unescapeXML resolves references and normalises line ends (\r\n and \r read as \n). */
function unescapeXML(s, bad) {
  if (s.includes('\r')) s = s.replace(/\r\n?/g, '\n');
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&<]*);|&/g, (m, ref) => {
    if (ref === undefined) throw bad('XML: a bare & (not a reference)');
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? /^#x[0-9a-fA-F]+$/.test(ref) && parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) && parseInt(ref.slice(1), 10);
      if (cp === false || !(cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff))) throw bad(`XML: invalid character reference &${ref};`);
      return String.fromCodePoint(cp);
    }
    if (!Object.hasOwn(ENTITIES, ref)) throw bad(`XML: unknown entity &${ref};`);
    return ENTITIES[ref];
  });
}

const local = (name) => name.slice(name.indexOf(':') + 1);
const isWS = (c) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * scanXML calls start(localName, attrs) and end(localName) for each
 * element, and text(string) for character data (CDATA included), in
 * document order; it checks that elements nest.
 */
function scanXML(bytes, part, { start, end, text }, bad0) {
  const bad = (msg) => bad0(`${part}: ${msg}`);
  if (bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) throw bad('XML in UTF-16 is not supported');
  let s;
  try {
    s = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw bad('XML is not UTF-8');
  }
  const stack = [];
  let rootDone = false;
  let p = 0;
  const n = s.length;
  while (p < n) {
    const lt = s.indexOf('<', p);
    const stop = lt < 0 ? n : lt;
    if (stop > p) {
      if (stack.length) text(unescapeXML(s.slice(p, stop), bad));
      else if (s.slice(p, stop).trim() !== '') throw bad('XML: text outside the root element');
    }
    if (lt < 0) break;
    if (s.startsWith('<?', lt)) {
      const q = s.indexOf('?>', lt + 2);
      if (q < 0) throw bad('XML: unterminated processing instruction');
      p = q + 2;
    } else if (s.startsWith('<!--', lt)) {
      const q = s.indexOf('-->', lt + 4);
      if (q < 0) throw bad('XML: unterminated comment');
      p = q + 3;
    } else if (s.startsWith('<![CDATA[', lt)) {
      const q = s.indexOf(']]>', lt + 9);
      if (q < 0) throw bad('XML: unterminated CDATA section');
      if (stack.length) text(s.slice(lt + 9, q).replace(/\r\n?/g, '\n'));
      p = q + 3;
    } else if (s.startsWith('<!', lt)) {
      throw bad('XML: a DTD or declaration is not supported');
    } else {
      // A tag: its name, then attributes NAME="VALUE" or NAME='VALUE'
      // separated by white space, then > or />.
      if (s.charCodeAt(lt + 1) === 47) {
        const q = s.indexOf('>', lt + 2);
        if (q < 0) throw bad('XML: unterminated tag');
        const name = s.slice(lt + 2, q).trim();
        p = q + 1;
        const open = stack.pop();
        if (open !== name) throw bad(`XML: </${name}> closes <${open ?? ''}>`);
        end(local(name));
        if (!stack.length) rootDone = true;
        continue;
      }
      let i = lt + 1;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (isWS(c) || c === 47 || c === 62) break;
        i++;
      }
      const name = s.slice(lt + 1, i);
      if (!name) throw bad('XML: a tag without a name');
      const attrs = {};
      let self = false;
      for (;;) {
        let ws = false;
        while (i < n && isWS(s.charCodeAt(i))) {
          i++;
          ws = true;
        }
        if (i >= n) throw bad('XML: unterminated tag');
        const c = s.charCodeAt(i);
        if (c === 62) break;
        if (c === 47) {
          if (s.charCodeAt(i + 1) !== 62) throw bad(`XML: malformed attributes in <${name}>`);
          self = true;
          i++;
          break;
        }
        if (!ws) throw bad(`XML: malformed attributes in <${name}>`);
        const eq = s.indexOf('=', i);
        if (eq < 0) throw bad(`XML: malformed attributes in <${name}>`);
        const aname = s.slice(i, eq).trimEnd();
        if (!aname || /[\s<>"'/]/.test(aname)) throw bad(`XML: malformed attributes in <${name}>`);
        let v = eq + 1;
        while (v < n && isWS(s.charCodeAt(v))) v++;
        const quote = s.charCodeAt(v);
        if (quote !== 34 && quote !== 39) throw bad(`XML: malformed attributes in <${name}>`);
        const close = s.indexOf(quote === 34 ? '"' : "'", v + 1);
        if (close < 0) throw bad('XML: unterminated tag');
        const raw = s.slice(v + 1, close);
        if (raw.includes('<')) throw bad(`XML: < in an attribute value of <${name}>`);
        attrs[local(aname)] = unescapeXML(raw, bad);
        i = close + 1;
      }
      p = i + 1;
      if (!stack.length && rootDone) throw bad('XML: a second root element');
      start(local(name), attrs);
      if (self) end(local(name));
      else stack.push(name);
      if (!stack.length) rootDone = true;
    }
  }
  if (stack.length) throw bad(`XML: <${stack[stack.length - 1]}> is not closed`);
}

// ---- workbook ----

/** colOf returns the 1-based column of a cell reference such as "AB12". */
function colOf(ref) {
  const m = /^([A-Z]{1,3})([1-9][0-9]{0,6})$/.exec(ref);
  if (!m) return 0;
  let c = 0;
  for (const ch of m[1]) c = c * 26 + (ch.charCodeAt(0) - 64);
  return c <= 16384 ? c : 0;
}

// bstrUnmarshal decodes OOXML's _xHHHH_ escapes as excelize does: _x005F_
// is "_", an escape of a valid non-surrogate code point is that character,
// any other _xHHHH_ (a surrogate) is dropped.
function bstr(s) {
  if (!s.includes('_x')) return s;
  return s.replace(/_x[0-9a-fA-F]{4}_/g, (m) => {
    if (m === '_x005F_') return '_';
    const cp = parseInt(m.slice(2, 6), 16);
    return cp >= 0xd800 && cp <= 0xdfff ? '' : String.fromCodePoint(cp);
  });
}

/**
 * numberText renders a number cell's value as excelize does for a cell
 * without a number format: strconv.FormatFloat(v, 'f', -1, 64), the
 * shortest decimal that reads back to the same float, without an exponent.
 * It returns null for what the JavaScript subset leaves out: a value
 * excelize shows in exponent form (more than 15 characters besides the
 * point), and text that is not a plain decimal (hexadecimal, Inf, spaces).
 */
export function numberText(v) {
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(v)) return null;
  const x = Number(v);
  if (!Number.isFinite(x)) return null;
  let out;
  if (x === 0) out = Object.is(x, -0) ? '-0' : '0';
  else {
    const t = Math.abs(x).toString();
    const e = t.indexOf('e');
    if (e < 0) out = t;
    else {
      const digits = t.slice(0, e).replace('.', '');
      const point = 1 + Number(t.slice(e + 1));
      if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
      else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
      else out = digits.slice(0, point) + '.' + digits.slice(point);
    }
    if (x < 0) out = '-' + out;
  }
  // excelize: more than 15 characters besides the point (the sign and
  // leading zeros counted) are shown as FormatFloat(v, 'G', 15), unless
  // the text is an integer whose digits past the 15th are zeros.
  if (out.length - (out.includes('.') ? 1 : 0) > 15) {
    const d = v.replace(/^[-+0]+/, '');
    if (/[.eE]/.test(v) || d.replace(/0+$/, '').length > 15) return null;
  }
  return out;
}

/** resolve returns a relationship target's part name (relative to dir, or absolute with a leading /). */
const resolve = (dir, target) => {
  const parts = (target.startsWith('/') ? target.slice(1) : dir + target).split('/');
  const out = [];
  for (const x of parts) {
    if (x === '..') out.pop();
    else if (x !== '.' && x !== '') out.push(x);
  }
  return out.join('/');
};

/** rels reads a .rels part: Id → {type, target}. */
function rels(bytes, part, bad) {
  const m = new Map();
  if (!bytes) return m;
  scanXML(bytes, part, {
    start(name, a) {
      if (name === 'Relationship' && a.Id !== undefined) m.set(a.Id, { type: (a.Type || '').replace(/.*\//, ''), target: a.Target || '' });
    },
    end() {},
    text() {},
  }, bad);
  return m;
}

/**
 * readXLSX reads an XLSX pool file's first worksheet and returns its rows
 * as [row, cells] records, one for every sheet row from 1 to the last
 * (rows absent from the sheet, or blank, as []), cells indexed by column
 * (A = 0) with trailing empty cells dropped: the records Appendix E reads
 * a CSV file into, except that blank rows are kept (they count among the
 * ten rows searched for the header, as in ssj).
 */
export async function readXLSX(bytes, file = '') {
  const bad = (msg, row = 0, column = '', value) => new PoolError(file, row, column, value, `XLSX: ${msg}`);
  const zip = unzipIndex(bytes, bad);
  const part = async (name) => {
    const e = zip.get(name);
    return e ? entryBytes(bytes, name, e, bad) : null;
  };
  // The workbook part (from the package relationships), its sheets and relationships.
  const pkg = rels(await part('_rels/.rels'), '_rels/.rels', bad);
  let wbPath = 'xl/workbook.xml';
  for (const r of pkg.values()) if (r.type === 'officeDocument') wbPath = resolve('', r.target);
  const wbDir = wbPath.includes('/') ? wbPath.slice(0, wbPath.lastIndexOf('/') + 1) : '';
  const wb = await part(wbPath);
  if (!wb) throw bad(`no workbook part ${wbPath}`);
  const relPath = `${wbDir}_rels/${wbPath.slice(wbDir.length)}.rels`;
  const wbRels = rels(await part(relPath), relPath, bad);
  let first = null;
  scanXML(wb, wbPath, {
    start(name, a) {
      if (name === 'sheet' && first === null) first = a;
    },
    end() {},
    text() {},
  }, bad);
  if (!first) throw bad('the workbook has no worksheet');
  const rel = wbRels.get(first.id);
  if (!rel) throw bad(`sheet ${JSON.stringify(first.name)}: relationship ${JSON.stringify(first.id)} not found in ${relPath}`);
  const sheetPath = resolve(wbDir, rel.target);
  const sheetName = first.name;
  let sstPath = `${wbDir}sharedStrings.xml`;
  let stylesPath = `${wbDir}styles.xml`;
  for (const r of wbRels.values()) {
    if (r.type === 'sharedStrings') sstPath = resolve(wbDir, r.target);
    if (r.type === 'styles') stylesPath = resolve(wbDir, r.target);
  }

  // Shared strings: each <si>'s <t> then its runs' <t> (phonetic <rPh> ignored).
  const sst = [];
  const sstBytes = await part(sstPath);
  if (sstBytes) {
    let si = null;
    let inT = false;
    const path = [];
    scanXML(sstBytes, sstPath, {
      start(name) {
        path.push(name);
        if (name === 'si') si = '';
        else if (name === 't' && si !== null && !path.includes('rPh')) inT = true;
      },
      end(name) {
        path.pop();
        if (name === 'si') {
          sst.push(bstr(si));
          si = null;
        } else if (name === 't') inT = false;
      },
      text(t) {
        if (inT) si += t;
      },
    }, bad);
  }

  // Styles: the number format of each cell format (cellXfs/xf).
  const xfFormats = [];
  const stylesBytes = await part(stylesPath);
  if (stylesBytes) {
    let inXfs = false;
    scanXML(stylesBytes, stylesPath, {
      start(name, a) {
        if (name === 'cellXfs') inXfs = true;
        else if (name === 'xf' && inXfs) xfFormats.push(a.numFmtId === undefined ? 0 : Number(a.numFmtId));
      },
      end(name) {
        if (name === 'cellXfs') inXfs = false;
      },
      text() {},
    }, bad);
  }

  const sheet = await part(sheetPath);
  if (!sheet) throw bad(`sheet ${JSON.stringify(sheetName)}: no part ${sheetPath}`);
  const records = [];
  let rowNum = 0;
  let cells = null;
  let col = 0;
  let cell = null; // {ref, t, s, v, f, is}
  let where = ''; // 'v' | 'is-t' | ''
  const path = [];
  let inData = false;
  const where2 = (c) => `${sheetName}!${c.ref || `R${rowNum}C${col}`}`;
  const finishCell = (c) => {
    const at = where2(c);
    const fail = (msg) => bad(`cell ${at}: ${msg}`, rowNum, '', c.v);
    const fmt = c.s > 0 && c.s < xfFormats.length ? xfFormats[c.s] : 0;
    const styled = c.s > 0 && c.s < xfFormats.length;
    let val;
    switch (c.t) {
      case 's': {
        if (c.v === '') val = '';
        else {
          if (!/^\s*[0-9]+\s*$/.test(c.v)) throw fail('shared string index is not a number');
          const i = Number(c.v);
          if (i >= sst.length) throw fail(`shared string index ${i} out of range (${sst.length} strings)`);
          val = sst[i];
        }
        if (styled && fmt !== 0 && fmt !== 49) throw fail(`number format ${fmt} on a text cell is not supported (want General or Text, or export CSV)`);
        break;
      }
      case 'inlineStr':
        val = c.is === null ? c.v : bstr(c.is);
        if (styled && fmt !== 0 && fmt !== 49) throw fail(`number format ${fmt} on a text cell is not supported (want General or Text, or export CSV)`);
        break;
      case 'str':
        val = c.v;
        break;
      case 'b':
        if (c.v === '1') val = 'TRUE';
        else if (c.v === '0') val = 'FALSE';
        else throw fail('boolean cell is not 0 or 1');
        break;
      case '':
      case 'n': {
        if (c.v === '') {
          val = '';
          break;
        }
        if (styled && fmt !== 49) throw fail(`a number cell shown in number format ${fmt} is not supported (Excel shows it formatted: enter it as text, or export CSV)`);
        val = numberText(c.v);
        if (val === null) throw fail('number cell not supported (Excel shows it in exponent form, or it is not a plain decimal): enter it as text');
        break;
      }
      default:
        throw fail(`cell type ${JSON.stringify(c.t)} is not supported (want a string, number or boolean)`);
    }
    if (val === '' && c.f === null) return;
    while (cells.length < col - 1) cells.push('');
    cells.push(val);
  };
  scanXML(sheet, sheetPath, {
    start(name, a) {
      path.push(name);
      if (name === 'sheetData') inData = true;
      if (!inData) return;
      if (name === 'row') {
        let r = rowNum + 1;
        if (a.r !== undefined) {
          if (!/^[1-9][0-9]*$/.test(a.r) || Number(a.r) > 1048576) throw bad(`row number ${JSON.stringify(a.r)} is invalid`, rowNum + 1);
          r = Number(a.r);
        }
        if (r <= rowNum) throw bad(`row ${r} follows row ${rowNum}: rows out of order are not supported`, r);
        while (rowNum < r - 1) records.push([++rowNum, []]);
        rowNum = r;
        cells = [];
        col = 0;
      } else if (name === 'c' && cells !== null) {
        let c = col + 1;
        if (a.r !== undefined) {
          c = colOf(a.r);
          if (!c) throw bad(`cell reference ${JSON.stringify(a.r)} is invalid`, rowNum);
          if (a.r.replace(/^[A-Z]+/, '') !== String(rowNum)) throw bad(`cell ${a.r} is in row ${rowNum}`, rowNum);
        }
        if (c <= col) throw bad(`cell ${a.r || c} follows column ${col}: cells out of order are not supported`, rowNum);
        col = c;
        const s = a.s === undefined ? 0 : /^[0-9]+$/.test(a.s) ? Number(a.s) : NaN;
        if (Number.isNaN(s)) throw bad(`cell ${a.r || c}: style ${JSON.stringify(a.s)} is not a number`, rowNum);
        cell = { ref: a.r || '', t: a.t || '', s, v: '', f: null, is: null };
      } else if (cell) {
        if (name === 'v' && path.length === 5) where = 'v';
        else if (name === 'f') cell.f = '';
        else if (name === 'is') cell.is = '';
        else if (name === 't' && cell.is !== null && !path.includes('rPh')) where = 'is-t';
      }
    },
    end(name) {
      path.pop();
      if (name === 'sheetData') inData = false;
      if (!inData) return;
      if (name === 'c' && cell) {
        finishCell(cell);
        cell = null;
      } else if (name === 'row' && cells !== null) {
        records.push([rowNum, cells]);
        cells = null;
      } else if (name === 'v' || name === 't') where = '';
    },
    text(t) {
      if (!cell) return;
      if (where === 'v') cell.v += t;
      else if (where === 'is-t') cell.is += t;
    },
  }, bad);
  return records;
}

/**
 * readPoolText returns what readPool reads from a pool file's bytes: the
 * text of a CSV file (decodeText), or the row records of an XLSX file.
 */
export async function readPoolText(bytes, file = '') {
  return isXLSX(bytes) ? readXLSX(bytes, file) : decodeText(bytes, file);
}

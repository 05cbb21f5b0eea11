#!/usr/bin/env node
// Shortens the names under which a wasm-bindgen module imports its JS glue's functions, in the
// wasm's import section and in the glue's import object together. wasm-bindgen names each one
// `__wbg_<method>_<16 hex digits>` (212 of them in the package): about 7 kB of names that nobody
// reads, written twice and, being hashes, hardly compressible. They become `a` … `Z`, then two characters (`a0`, `ba`, …).
//
// Strict on purpose: every renamed import must occur exactly once in the glue as an object key
// (`name: function(`), and no other import module may be present; anything else stops the build,
// because a half-renamed pair would fail only when the browser instantiates the module.
//   node scripts/short-imports.mjs module_bg.wasm glue.js
import { readFileSync, writeFileSync } from 'node:fs';

const [wasmPath, gluePath] = process.argv.slice(2);
if (!wasmPath || !gluePath) {
  console.error('usage: node scripts/short-imports.mjs module_bg.wasm glue.js');
  process.exit(2);
}
const fail = (message) => {
  console.error(`short-imports: ${message}`);
  process.exit(1);
};

const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, 'utf8');

function leb(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at++];
    if (byte === undefined) fail('truncated wasm');
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}
function encodeLeb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}
const name = (buf, at) => {
  const [len, start] = leb(buf, at);
  return [buf.subarray(start, start + len).toString('utf8'), start + len];
};
const encodeName = (text) => {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([encodeLeb(bytes.length), bytes]);
};
// The length of an import's description (kind byte included).
function descEnd(buf, at) {
  const kind = buf[at++];
  const limits = (p) => {
    const flags = buf[p++];
    let [, q] = leb(buf, p);
    if (flags & 1) [, q] = leb(buf, q);
    return q;
  };
  switch (kind) {
    case 0: // function: type index
      return leb(buf, at)[1];
    case 1: // table: reference type, limits
      if (buf[at] !== 0x70 && buf[at] !== 0x6f) fail(`table import of type 0x${buf[at].toString(16)}`);
      return limits(at + 1);
    case 2: // memory: limits
      return limits(at);
    case 3: // global: value type, mutability
      if (![0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f].includes(buf[at])) fail('global import of a compound type');
      return at + 2;
    case 4: // tag: attribute, type index
      return leb(buf, at + 1)[1];
    default:
      return fail(`import of unknown kind ${kind}`);
  }
}

// Short JS identifiers: a…z, A…Z, then two characters.
const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const rest = first + '0123456789';
const shortName = (i) =>
  i < first.length ? first[i] : first[Math.floor(i / rest.length) % first.length] + rest[i % rest.length];

if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not a wasm module`);
let at = 8;
const parts = [wasm.subarray(0, 8)];
let renamed = 0;
let saved = 0;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, bodyAt] = leb(wasm, at + 1);
  const end = bodyAt + size;
  if (id !== 2) {
    parts.push(wasm.subarray(at, end));
    at = end;
    continue;
  }
  let [count, p] = leb(wasm, bodyAt);
  const entries = [encodeLeb(count)];
  let module0 = null;
  const used = new Set();
  for (let i = 0; i < count; i++) {
    const [module, afterModule] = name(wasm, p);
    const [field, afterField] = name(wasm, afterModule);
    const afterDesc = descEnd(wasm, afterField);
    module0 ??= module;
    if (module !== module0) fail(`imports from two modules (${module0}, ${module})`);
    const short = shortName(renamed++);
    if (used.has(field)) fail(`import ${field} twice`);
    used.add(field);
    const key = new RegExp(`(^|[^\\w$])${field.replace(/\$/g, '\\$')}(: function\\b)`, 'g');
    const hits = glue.match(key)?.length ?? 0;
    if (hits !== 1) fail(`${field}: found ${hits} times as a key in ${gluePath}, expected once`);
    glue = glue.replace(key, `$1${short}$2`);
    if (new RegExp(`(^|[^\\w$])${field.replace(/\$/g, '\\$')}([^\\w$]|$)`).test(glue)) {
      fail(`${field} is named elsewhere in ${gluePath} too`);
    }
    saved += field.length - short.length;
    entries.push(encodeName(module), encodeName(short), wasm.subarray(afterField, afterDesc));
    p = afterDesc;
  }
  if (p !== end) fail('the import section has trailing bytes');
  const body = Buffer.concat(entries);
  parts.push(Buffer.from([2]), encodeLeb(body.length), body);
  at = end;
}
if (renamed === 0) fail(`${wasmPath} imports nothing`);
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(gluePath, glue);
console.log(`short-imports: ${renamed} imports renamed, ${saved} bytes of names shorter on each side`);

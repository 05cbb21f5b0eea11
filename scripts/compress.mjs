#!/usr/bin/env node
// Sizes of what a page downloads: raw, gzip -9 (GNU gzip, the figure the README has always
// quoted; zlib's level 9 where gzip is missing) and brotli (quality 11, the level for files
// compressed once at build time), one line per file and a total.
//   node scripts/compress.mjs [--write] [--label TEXT] FILE...
// --write also stores FILE.gz and FILE.br beside each file, which the sandbox and the gateway
// serve to browsers that accept them (ServeDir's precompressed variants).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const write = args.includes('--write');
const labelAt = args.indexOf('--label');
const label = labelAt >= 0 ? args[labelAt + 1] : 'total';
const files = args.filter((a, i) => a !== '--write' && (labelAt < 0 || (i !== labelAt && i !== labelAt + 1)));
if (files.length === 0) {
  console.error('usage: node scripts/compress.mjs [--write] [--label TEXT] FILE...');
  process.exit(2);
}

const row = (name, raw, gz, br) =>
  `${name.padEnd(28)} ${String(raw).padStart(8)} bytes  ${String(gz).padStart(7)} gzip  ${String(br).padStart(7)} brotli`;

function gnuGzip(file) {
  try {
    return execFileSync('gzip', ['-9nc', file], { maxBuffer: 1 << 30 });
  } catch {
    return null;
  }
}

const total = { raw: 0, gz: 0, br: 0 };
for (const file of files) {
  const data = readFileSync(file);
  const gz = gnuGzip(file) ?? gzipSync(data, { level: 9 });
  const br = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  if (write) {
    writeFileSync(`${file}.gz`, gz);
    writeFileSync(`${file}.br`, br);
  }
  total.raw += data.length;
  total.gz += gz.length;
  total.br += br.length;
  console.log(row(basename(file), data.length, gz.length, br.length));
}
console.log(`${row('total', total.raw, total.gz, total.br)} (${label})`);

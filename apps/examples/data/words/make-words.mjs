#!/usr/bin/env node
/**
 * Rebuilds words.txt and COPYRIGHT from Debian's wamerican package (SCOWL's American English word list):
 * keeps the lowercase ASCII words of 3–12 letters (no capitals, so no proper nouns; no apostrophes, so no
 * possessives), sorts them by code unit, and takes every 10th, starting with the first. Deterministic: the
 * same wamerican version gives the same file, byte for byte (words.txt was made from 2020.12.07-2).
 *
 * Usage: node make-words.mjs [path to american-english] (default /usr/share/dict/american-english)
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STRIDE = 10;
const here = dirname(fileURLToPath(import.meta.url));
const source = process.argv[2] ?? '/usr/share/dict/american-english';
const copyright = '/usr/share/doc/wamerican/copyright';

const all = [...new Set(readFileSync(source, 'utf8').split('\n'))]
  .filter((w) => /^[a-z]{3,12}$/.test(w))
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const kept = all.filter((_, i) => i % STRIDE === 0);
writeFileSync(join(here, 'words.txt'), `${kept.join('\n')}\n`);
copyFileSync(copyright, join(here, 'COPYRIGHT'));
console.log(`${kept.length} of ${all.length} lowercase 3–12-letter words → words.txt; ${copyright} → COPYRIGHT`);

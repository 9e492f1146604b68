import { readFileSync } from 'node:fs';
import { type LoadedSafetensors, loadSafetensors } from '@tensorloom/tensor-core';

/** Reads a fixture written by `fixtures/generate.py`. */
export function loadFixture(name: string): LoadedSafetensors {
  return loadSafetensors(new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))));
}

/** Reads a JSON fixture. */
export function loadJsonFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

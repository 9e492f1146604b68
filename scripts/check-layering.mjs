#!/usr/bin/env node
/**
 * Package layering check, run by `pnpm lint`.
 *
 * The rule: library packages sit in layers, and a package may depend on (package.json) and import (src/)
 * only packages in a strictly lower layer. Apps (apps/*) may depend on anything. Every package under
 * packages/ must have a layer in LAYERS, so a new package has to be placed before it can land.
 *
 * What fails the check:
 * - a package under packages/ that is not in LAYERS;
 * - a `@tensorloom/*` entry in dependencies, devDependencies, peerDependencies or optionalDependencies
 *   that is not in a lower layer (or is not a known package at all);
 * - an import of `@tensorloom/*` in src/ (static, type-only, re-export, side-effect or dynamic `import()`)
 *   that is not in a lower layer, or that package.json does not declare;
 * - a dependency cycle between workspace packages (only apps can form one without breaking a layer).
 *
 * What is only reported: import cycles between files inside one package's src/. Some are intentional
 * (tensor-core's `Tensor` methods call op functions that return Tensors) and ES modules handle them as
 * long as nothing is used while the modules are still loading. Type-only imports and dynamic `import()`
 * do not count towards file cycles: they are erased or lazy.
 *
 * Imports are found with regular expressions after comments are blanked out, so a TSDoc example that
 * mentions another package is not an import. Regular-expression literals are not understood; one that
 * contains `//` hides the rest of its line, which matters only if an import shares that line.
 *
 * Usage: node scripts/check-layering.mjs [repository root]   (exit status 1 on a violation)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The layer of each library package. Add a new package here, in the right layer, before it can land. */
export const LAYERS = Object.freeze({
  '@tensorloom/tensor-core': 1,
  '@tensorloom/training-utils': 2,
  '@tensorloom/rnn': 3,
  '@tensorloom/attention': 4,
  '@tensorloom/autoencoder': 5,
  '@tensorloom/gan': 5,
});

const SCOPE = '@tensorloom/';
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
const SOURCE_FILE = /\.(ts|tsx|mts|cts)$/;

/**
 * Reads the workspace: every folder under packages/ (libraries) and apps/ (apps) with a package.json.
 * @param {string} root repository root
 */
export function readWorkspace(root) {
  const found = [];
  for (const [folder, kind] of [
    ['packages', 'library'],
    ['apps', 'app'],
  ]) {
    const base = path.join(root, folder);
    if (!existsSync(base)) continue;
    const entries = readdirSync(base, { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = path.join(base, entry.name);
      const manifestPath = path.join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      found.push({
        name: manifest.name ?? `(unnamed ${folder}/${entry.name})`,
        kind,
        dir,
        where: `${folder}/${entry.name}`,
        manifest,
      });
    }
  }
  return found;
}

/** Replaces comments with spaces (keeping line breaks, so positions and line numbers stay valid). */
export function blankComments(source) {
  const out = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    let end;
    if (c === '/' && next === '/') {
      end = source.indexOf('\n', i);
      if (end < 0) end = source.length;
      out.push(' '.repeat(end - i));
    } else if (c === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2);
      end = close < 0 ? source.length : close + 2;
      out.push(source.slice(i, end).replace(/[^\n]/g, ' '));
    } else if (c === "'" || c === '"' || c === '`') {
      // A string, copied unchanged so that '//' inside it is not taken for a comment.
      end = i + 1;
      while (end < source.length && source[end] !== c && (c === '`' || source[end] !== '\n')) {
        end += source[end] === '\\' ? 2 : 1;
      }
      end = Math.min(end + 1, source.length);
      out.push(source.slice(i, end));
    } else {
      end = i + 1;
      out.push(c);
    }
    i = end;
  }
  return out.join('');
}

const FROM_IMPORT = /(?<![\w$.])(import|export)(\s+type\b)?\s*[^;'"`]*?\bfrom\s*(['"])([^'"\n]+)\3/g;
const BARE_IMPORT = /(?<![\w$.])import\s*(['"])([^'"\n]+)\1/g;
const DYNAMIC_IMPORT = /(?<![\w$.])import\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/**
 * The module specifiers a TypeScript file imports or re-exports.
 * @returns {{ specifier: string, line: number, typeOnly: boolean, dynamic: boolean }[]}
 */
export function findImports(source) {
  const code = blankComments(source);
  const lineAt = (index) => code.slice(0, index).split('\n').length;
  const found = [];
  for (const m of code.matchAll(FROM_IMPORT)) {
    found.push({ specifier: m[4], line: lineAt(m.index), typeOnly: Boolean(m[2]), dynamic: false });
  }
  for (const m of code.matchAll(BARE_IMPORT)) {
    found.push({ specifier: m[2], line: lineAt(m.index), typeOnly: false, dynamic: false });
  }
  for (const m of code.matchAll(DYNAMIC_IMPORT)) {
    found.push({ specifier: m[2], line: lineAt(m.index), typeOnly: false, dynamic: true });
  }
  return found;
}

function listSourceFiles(dir) {
  if (!existsSync(dir)) return [];
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...listSourceFiles(full));
    } else if (SOURCE_FILE.test(entry.name)) {
      files.push(full);
    }
  }
  return files.sort();
}

/** The file a relative specifier points at, trying TypeScript's extension rules: './a.js' is './a.ts'. */
function resolveRelative(fromFile, specifier, files) {
  const target = path.resolve(path.dirname(fromFile), specifier);
  const stem = target.replace(/\.[cm]?jsx?$/, '');
  const candidates = [target];
  for (const base of new Set([stem, target])) {
    for (const ext of ['.ts', '.tsx', '.mts', '.cts']) candidates.push(base + ext);
  }
  candidates.push(path.join(target, 'index.ts'), path.join(target, 'index.tsx'));
  return candidates.find((c) => files.has(c));
}

/** '@tensorloom/rnn/sub/path' -> '@tensorloom/rnn'. */
function packageOf(specifier) {
  return specifier.split('/').slice(0, 2).join('/');
}

/**
 * The strongly connected groups of the graph (Tarjan's algorithm): nodes that all reach each other. For
 * each, its size and one shortest cycle through its first node (a breadth-first search inside the group).
 * A node that imports itself is a group of one.
 * @param {Map<string, Set<string>>} graph node -> the nodes it points at
 * @returns {{ size: number, chain: string[] }[]} chain: a cycle that starts and ends at the same node
 */
export function findCycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  let counter = 0;
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      groups.push(group);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);

  const cycles = [];
  for (const group of groups) {
    const start = group.sort()[0];
    const inGroup = new Set(group);
    if (group.length === 1 && !graph.get(start)?.has(start)) continue;
    // Breadth-first from start, staying inside the group, until an edge leads back to start.
    const parent = new Map([[start, null]]);
    const queue = [start];
    let last = null;
    while (queue.length > 0 && last === null) {
      const node = queue.shift();
      for (const next of [...(graph.get(node) ?? [])].sort()) {
        if (next === start) {
          last = node;
          break;
        }
        if (inGroup.has(next) && !parent.has(next)) {
          parent.set(next, node);
          queue.push(next);
        }
      }
    }
    const chain = [start];
    for (let node = last; node !== null; node = parent.get(node)) chain.push(node);
    cycles.push({ size: group.length, chain: chain.reverse() });
  }
  return cycles.sort((a, b) => a.chain[0].localeCompare(b.chain[0]));
}

/**
 * Checks the layering rule on the workspace at `root`.
 * @param {string} root repository root
 * @returns {{ packages: { name: string, where: string, kind: string }[], errors: string[],
 *   fileCycles: { where: string, size: number, chain: string[] }[] }}
 */
export function checkLayering(root) {
  const workspace = readWorkspace(root);
  const apps = new Set(workspace.filter((p) => p.kind === 'app').map((p) => p.name));
  const errors = [];
  const fileCycles = [];
  const packageGraph = new Map();

  const layerOf = (name) => (apps.has(name) ? Number.POSITIVE_INFINITY : LAYERS[name]);
  const describe = (name) => {
    const layer = layerOf(name);
    return layer === Number.POSITIVE_INFINITY ? `${name} (an app)` : `${name} (layer ${layer})`;
  };
  // What is wrong with `pkg` using `to`, or null when it may.
  const judge = (pkg, to) => {
    if (to === pkg.name) return null;
    if (layerOf(to) === undefined) return `${to}, which is neither in the layer table nor an app in the workspace`;
    if (pkg.kind === 'app' || layerOf(to) < layerOf(pkg.name)) return null;
    return `${describe(to)}; a package may only use packages in a lower layer`;
  };

  for (const pkg of workspace) {
    const edges = new Set();
    packageGraph.set(pkg.name, edges);
    if (pkg.kind === 'library' && LAYERS[pkg.name] === undefined) {
      errors.push(
        `${pkg.where} (${pkg.name}) has no layer: add it to LAYERS in scripts/check-layering.mjs (and the table in CONTRIBUTING.md)`,
      );
      continue;
    }
    const self = pkg.kind === 'app' ? `${pkg.where} (${pkg.name}, an app)` : `${pkg.where} (layer ${LAYERS[pkg.name]})`;

    const declared = new Set();
    for (const field of DEPENDENCY_FIELDS) {
      for (const dep of Object.keys(pkg.manifest[field] ?? {})) {
        if (!dep.startsWith(SCOPE)) continue;
        declared.add(dep);
        if (dep !== pkg.name) edges.add(dep);
        const complaint = judge(pkg, dep);
        if (complaint) errors.push(`${self} lists in ${field} ${complaint}`);
      }
    }

    const srcDir = path.join(pkg.dir, 'src');
    const files = listSourceFiles(srcDir);
    const fileSet = new Set(files);
    const fileGraph = new Map();
    for (const file of files) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      const fileEdges = new Set();
      fileGraph.set(file, fileEdges);
      for (const imp of findImports(readFileSync(file, 'utf8'))) {
        if (imp.specifier.startsWith('.')) {
          const target = resolveRelative(file, imp.specifier, fileSet);
          if (target && !imp.typeOnly && !imp.dynamic) fileEdges.add(target);
          continue;
        }
        if (!imp.specifier.startsWith(SCOPE)) continue;
        const to = packageOf(imp.specifier);
        if (to === pkg.name) continue; // tests may import their own package by name (see vitest.shared.ts)
        edges.add(to);
        const undeclared = declared.has(to) ? null : `${to}, which ${pkg.where}/package.json does not list`;
        const complaint = judge(pkg, to) ?? undeclared;
        if (complaint) errors.push(`${rel}:${imp.line} imports ${complaint}`);
      }
    }
    for (const { size, chain } of findCycles(fileGraph)) {
      fileCycles.push({
        where: pkg.where,
        size,
        chain: chain.map((f) => path.relative(pkg.dir, f).split(path.sep).join('/')),
      });
    }
  }

  for (const { chain } of findCycles(packageGraph)) {
    errors.push(`dependency cycle between packages: ${chain.join(' -> ')}`);
  }

  const packages = workspace.map(({ name, where, kind }) => ({ name, where, kind }));
  return { packages, errors, fileCycles };
}

/** The report the command line prints. */
export function formatReport({ packages, errors, fileCycles }) {
  const lines = [`check-layering: ${packages.length} workspace package(s): ${packages.map((p) => p.where).join(', ')}`];
  lines.push(`groups of files that import each other in a cycle (informational, not an error): ${fileCycles.length}`);
  for (const { where, size, chain } of fileCycles) {
    lines.push(`  ${where}: ${size} file(s), among them ${chain.join(' -> ')}`);
  }
  if (errors.length === 0) {
    lines.push('check-layering: OK');
  } else {
    lines.push(`check-layering: ${errors.length} violation(s):`);
    for (const error of errors) lines.push(`  ✗ ${error}`);
    const byLayer = new Map();
    for (const [name, layer] of Object.entries(LAYERS)) {
      byLayer.set(layer, [...(byLayer.get(layer) ?? []), name.slice(SCOPE.length)]);
    }
    const order = [...byLayer].map(([layer, names]) => `${names.join(', ')} (${layer})`).join(' < ');
    lines.push(`The layers: ${order}. Packages in one layer may not use each other; apps may use anything.`);
    lines.push('See "Package layering" in CONTRIBUTING.md.');
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
  const result = checkLayering(root);
  const report = formatReport(result);
  if (result.errors.length > 0) {
    console.error(report);
    process.exitCode = 1;
  } else {
    console.log(report);
  }
}

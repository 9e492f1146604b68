// Self-test of check-layering.mjs on small fake workspaces. Run: node --test scripts/*.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { blankComments, checkLayering, findCycles, findImports } from './check-layering.mjs';

const roots = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/**
 * Writes a fake repository. `tree` maps a package folder ('packages/rnn') to its package.json fields
 * (`name` defaults to '@tensorloom/<folder name>') and `files`: { 'src/a.ts': 'source' }.
 */
function workspace(tree) {
  const root = mkdtempSync(path.join(tmpdir(), 'check-layering-'));
  roots.push(root);
  for (const [where, { files = {}, ...manifest }] of Object.entries(tree)) {
    const dir = path.join(root, where);
    mkdirSync(dir, { recursive: true });
    const name = manifest.name ?? `@tensorloom/${path.basename(where)}`;
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, name }));
    for (const [file, source] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), source);
    }
  }
  return root;
}

const core = {
  files: {
    'src/index.ts': "export { Tensor } from './tensor.js';\n",
    // The intended cycle: Tensor methods call op functions, which build Tensors.
    'src/tensor.ts': "import { add } from './ops/add';\nexport class Tensor {}\n",
    'src/ops/add.ts': "import { Tensor } from '../tensor';\nexport const add = () => new Tensor();\n",
  },
};

test('a well-layered workspace passes, and a file cycle is reported but is no error', () => {
  const root = workspace({
    'packages/tensor-core': core,
    'packages/rnn': {
      dependencies: { '@tensorloom/tensor-core': 'workspace:*' },
      files: {
        'src/lstm.ts':
          "import { Tensor } from '@tensorloom/tensor-core';\nimport './cell';\nimport type { GRU } from './gru';\n",
        // A lazy cycle and a type-only cycle with lstm.ts: deferred or erased at run time, so not reported.
        'src/cell.ts': "export const load = () => import('./lstm.js');\n",
        'src/gru.ts': "import type { LSTM } from './lstm';\n",
      },
    },
    'apps/examples': {
      dependencies: { '@tensorloom/rnn': 'workspace:*', '@tensorloom/tensor-core': 'workspace:*' },
      files: { 'src/demo.ts': "import '@tensorloom/rnn';\nimport { Tensor } from '@tensorloom/tensor-core';\n" },
    },
  });
  const result = checkLayering(root);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.fileCycles, [
    { where: 'packages/tensor-core', size: 2, chain: ['src/ops/add.ts', 'src/tensor.ts', 'src/ops/add.ts'] },
  ]);
  assert.deepEqual(
    result.packages.map((p) => p.where),
    ['packages/rnn', 'packages/tensor-core', 'apps/examples'],
  );
});

test('an upward dependency in package.json fails, in any dependency field', () => {
  const root = workspace({
    'packages/tensor-core': { devDependencies: { '@tensorloom/rnn': 'workspace:*' } },
    'packages/rnn': { peerDependencies: { '@tensorloom/tensor-core': 'workspace:*' } },
  });
  const { errors } = checkLayering(root);
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0], /packages\/tensor-core \(layer 1\) lists in devDependencies @tensorloom\/rnn \(layer 3\)/);
  assert.match(
    errors[1],
    /dependency cycle between packages: @tensorloom\/rnn -> @tensorloom\/tensor-core -> @tensorloom\/rnn/,
  );
});

test('an upward import in src fails with file and line, whatever the import form', () => {
  const root = workspace({
    'packages/tensor-core': {
      files: {
        'src/a.ts': "export const a = 1;\nimport type { LSTM } from '@tensorloom/rnn/lstm';\n",
        'src/b.ts': "const m = await import('@tensorloom/attention');\n",
        'src/c.ts': "export * from '@tensorloom/gan';\n",
      },
    },
  });
  const { errors } = checkLayering(root);
  assert.deepEqual(errors, [
    'packages/tensor-core/src/a.ts:2 imports @tensorloom/rnn (layer 3); a package may only use packages in a lower layer',
    'packages/tensor-core/src/b.ts:1 imports @tensorloom/attention (layer 4); a package may only use packages in a lower layer',
    'packages/tensor-core/src/c.ts:1 imports @tensorloom/gan (layer 5); a package may only use packages in a lower layer',
  ]);
});

test('autoencoder and gan share a layer and may not use each other', () => {
  const root = workspace({
    'packages/gan': {
      dependencies: { '@tensorloom/autoencoder': 'workspace:*' },
      files: { 'src/gan.ts': "import { Encoder } from '@tensorloom/autoencoder';\n" },
    },
  });
  const { errors } = checkLayering(root);
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0], /lists in dependencies @tensorloom\/autoencoder \(layer 5\)/);
  assert.match(errors[1], /src\/gan\.ts:1 imports @tensorloom\/autoencoder \(layer 5\)/);
});

test('a package without a layer, an unknown dependency and an undeclared import all fail', () => {
  const root = workspace({
    'packages/tensor-core': core,
    'packages/vision': {},
    'packages/rnn': {
      dependencies: { '@tensorloom/nowhere': '1.0.0' },
      files: { 'src/rnn.ts': "import { Tensor } from '@tensorloom/tensor-core';\n" },
    },
  });
  const { errors } = checkLayering(root);
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.match(errors[0], /@tensorloom\/nowhere, which is neither in the layer table nor an app/);
  assert.match(
    errors[1],
    /src\/rnn\.ts:1 imports @tensorloom\/tensor-core, which packages\/rnn\/package.json does not list/,
  );
  assert.match(errors[2], /packages\/vision \(@tensorloom\/vision\) has no layer: add it to LAYERS/);
});

test('apps may use anything, but two apps that need each other are a cycle', () => {
  const root = workspace({
    'packages/tensor-core': { files: { 'src/index.ts': "import { x } from '@tensorloom/tensor-core';\n" } },
    'apps/docs': { dependencies: { '@tensorloom/examples': 'workspace:*', '@tensorloom/tensor-core': 'workspace:*' } },
    'apps/examples': { dependencies: { '@tensorloom/docs': 'workspace:*' } },
  });
  const { errors } = checkLayering(root);
  assert.deepEqual(errors, [
    'dependency cycle between packages: @tensorloom/docs -> @tensorloom/examples -> @tensorloom/docs',
  ]);
});

test('the command line exits 1 with the violations, and 0 on a clean workspace', () => {
  const script = fileURLToPath(new URL('./check-layering.mjs', import.meta.url));
  const bad = spawnSync(process.execPath, [script, workspace({ 'packages/mystery': {} })], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /1 violation\(s\):\n {2}✗ packages\/mystery/);
  assert.match(bad.stderr, /The layers: tensor-core \(1\) < training-utils \(2\) < .* < autoencoder, gan \(5\)/);
  const good = spawnSync(process.execPath, [script, workspace({ 'packages/tensor-core': core })], { encoding: 'utf8' });
  assert.equal(good.status, 0, good.stderr);
  assert.match(
    good.stdout,
    /cycle \(informational, not an error\): 1\n {2}packages\/tensor-core: 2 file\(s\), among them src\/ops\/add\.ts -> .*\ncheck-layering: OK/,
  );
});

test('comments are not imports, strings are kept, and import kinds are told apart', () => {
  const source = [
    '/**',
    " * @example import { GAN } from '@tensorloom/gan';",
    ' */',
    "// import { RNN } from '@tensorloom/rnn';",
    "const url = 'http://example.invalid'; import { a } from './a';",
    'import type {',
    '  B,',
    "} from './b';",
    "import './side-effect';",
    "export { c } from './c';",
    "const d = () => import('./d');",
  ].join('\n');
  assert.equal(blankComments(source).length, source.length);
  assert.deepEqual(
    findImports(source).map(({ specifier, line, typeOnly, dynamic }) => [specifier, line, typeOnly, dynamic]),
    [
      ['./a', 5, false, false],
      ['./b', 6, true, false],
      ['./c', 10, false, false],
      ['./side-effect', 9, false, false],
      ['./d', 11, false, true],
    ],
  );
});

test('findCycles gives each strongly connected group its size and a shortest cycle, self-imports included', () => {
  const graph = new Map([
    ['a', new Set(['b'])],
    ['b', new Set(['c', 'a'])],
    ['c', new Set(['a'])],
    ['d', new Set(['d'])],
    ['e', new Set(['a'])],
  ]);
  assert.deepEqual(findCycles(graph), [
    { size: 3, chain: ['a', 'b', 'a'] },
    { size: 1, chain: ['d', 'd'] },
  ]);
});

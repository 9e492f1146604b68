// @ts-check
import { unified } from '@astrojs/markdown-remark';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import rehypeKatex from 'rehype-katex';
import remarkMath from 'remark-math';
import { createStarlightTypeDocPlugin } from 'starlight-typedoc';

// One TypeDoc run per package, each with its own sidebar group and output folder under /api/.
const [tensorCoreApi, tensorCoreApiGroup] = createStarlightTypeDocPlugin();
const [trainingUtilsApi, trainingUtilsApiGroup] = createStarlightTypeDocPlugin();
const [rnnApi, rnnApiGroup] = createStarlightTypeDocPlugin();

/** TypeDoc options for one workspace package: its public face (src/index.ts) read with its own tsconfig. */
function apiFor(/** @type {string} */ pkg) {
  return {
    entryPoints: [`../../packages/${pkg}/src/index.ts`],
    tsconfig: `../../packages/${pkg}/tsconfig.json`,
    output: `api/${pkg}`,
    sidebar: { label: `@tensorloom/${pkg}`, collapsed: true },
    typeDoc: {
      // The packages' README says what each is for; the generated pages say what each export does.
      readme: 'none',
      // Index pages named index.md, not README.md: starlight-typedoc deletes nested README.md pages (such as
      // the `nn` namespace's) while other pages still link to them.
      entryFileName: 'index',
      excludeExternals: true,
      // Biome and the packages' own sources stay untouched: generated pages go to the content folder only.
      disableSources: true,
    },
  };
}

/**
 * Workspace packages resolve to their src/ (the `tensorloom-source` export condition) in every Vite
 * environment Astro builds (client, prerender, ssr, workers), so the site always shows the library as it
 * is in this checkout, without rebuilding the packages first. Setting `conditions` replaces Vite's
 * defaults, so they are kept after ours.
 * @returns {import('vite').Plugin}
 */
function tensorloomSource() {
  return {
    name: 'tensorloom-source-condition',
    configEnvironment(name, config) {
      const defaults =
        config.consumer === 'client' || name === 'client'
          ? ['module', 'browser', 'development|production']
          : ['module', 'node', 'development|production'];
      const current = config.resolve?.conditions ?? defaults;
      config.resolve = {
        ...config.resolve,
        conditions: ['tensorloom-source', ...current.filter((c) => c !== 'tensorloom-source')],
      };
    },
    config(config) {
      const current = config.resolve?.conditions ?? ['module', 'browser', 'development|production'];
      config.resolve = {
        ...config.resolve,
        conditions: ['tensorloom-source', ...current.filter((c) => c !== 'tensorloom-source')],
      };
    },
  };
}

export default defineConfig({
  // Serve and preview on the loopback address only; the port is chosen by scripts/start.sh.
  server: { host: '127.0.0.1' },
  markdown: {
    // remark/rehype rather than the default Sätteri pipeline, for remark-math and rehype-katex.
    processor: unified({ remarkPlugins: [remarkMath], rehypePlugins: [rehypeKatex] }),
  },
  integrations: [
    starlight({
      title: 'Tensorloom',
      description: 'An interactive textbook for deep learning with Tensorloom: every example runs in your browser.',
      customCss: ['katex/dist/katex.min.css', './src/styles/custom.css'],
      pagination: true,
      lastUpdated: false,
      plugins: [
        tensorCoreApi(apiFor('tensor-core')),
        trainingUtilsApi(apiFor('training-utils')),
        rnnApi(apiFor('rnn')),
      ],
      sidebar: [
        { label: 'Start here', items: [{ label: 'About this textbook', link: '/' }] },
        {
          label: 'Chapters',
          items: [
            { label: '1. Tensors and autograd', link: '/chapters/tensors-and-autograd/' },
            { label: '2. Recurrent networks', link: '/chapters/recurrent-networks/' },
            { label: '3. Attention, worked by hand', link: '/chapters/attention/' },
            { label: '4. Early stopping and saving models', link: '/chapters/early-stopping-and-saving/' },
          ],
        },
        { label: 'API reference', items: [tensorCoreApiGroup, trainingUtilsApiGroup, rnnApiGroup] },
      ],
    }),
  ],
  vite: {
    plugins: [tensorloomSource()],
    // Training runs in a module worker that loads its example by slug (code-split chunks).
    worker: {
      format: 'es',
      plugins: () => [tensorloomSource()],
      // An asset that both the page and the worker import (chapter 4's 4.4 MB Fashion-MNIST file: the worker
      // trains on it, the page's checkpoint check imports the same example module) gets the name Astro gives
      // page assets, `_astro/[name].[hash][extname]`, instead of Vite's worker default `[name]-[hash]`; with
      // one name and the same bytes, Vite writes it once and both bundles point at that one file.
      rolldownOptions: { output: { assetFileNames: '_astro/[name].[hash][extname]' } },
    },
  },
});

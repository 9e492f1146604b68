import { tensorloomVitestConfig } from '../../vitest.shared.ts';

export default tensorloomVitestConfig(new URL('./', import.meta.url).href, '@tensorloom/rnn');

import { tensorloomVitestConfig } from '../../vitest.shared';

export default tensorloomVitestConfig(new URL('./', import.meta.url).href, '@tensorloom/tensor-core');

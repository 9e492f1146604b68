import { describeReadmeExamples } from '../../../test-utils/readme';

await describeReadmeExamples(new URL('../README.md', import.meta.url), new URL('.', import.meta.url));

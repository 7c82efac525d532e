export { createHarness, sequenceOf, type Harness, type JobCall, type JobSubmission } from './harness.ts';

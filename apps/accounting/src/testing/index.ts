export { createTestWorld, natsUrl, type TestWorld, type TestWorldOptions } from './world.ts';
export { eventually } from './eventually.ts';
export { scalar } from './scalar.ts';

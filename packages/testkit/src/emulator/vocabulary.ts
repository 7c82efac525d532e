/**
 * Words replies are drawn from. No word contains another, so a test can use any of them as a
 * stop string and know exactly where the reply is cut.
 */
export const VOCABULARY: readonly string[] = [
  'llama', 'alpaca', 'meadow', 'river', 'stone', 'cloud', 'lantern', 'harbor',
  'violet', 'copper', 'forest', 'whisper', 'garden', 'summit', 'breeze', 'canyon',
  'ember', 'glacier', 'orchard', 'pepper', 'quartz', 'saddle', 'thunder', 'velvet',
  'willow', 'yonder', 'zephyr', 'anchor', 'bramble', 'cobalt', 'dune', 'falcon',
  'granite', 'hollow', 'island', 'jasmine', 'kettle', 'lagoon', 'marble', 'nectar',
  'oasis', 'pebble', 'quiver', 'ripple', 'sparrow', 'tundra', 'umber', 'valley',
  'walnut', 'beacon', 'cedar', 'delta', 'fjord', 'grove', 'heron', 'ivory',
  'juniper', 'kelp', 'lotus', 'mesa', 'north', 'otter', 'prairie', 'raven',
];

/** Words of the reasoning text of thinking models (disjoint from VOCABULARY). */
export const THINKING_VOCABULARY: readonly string[] = [
  'consider', 'perhaps', 'because', 'therefore', 'first', 'then', 'check', 'recall',
  'maybe', 'assume', 'verify', 'hmm', 'okay', 'next', 'compare', 'likely',
];

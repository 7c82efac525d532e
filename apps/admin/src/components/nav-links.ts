/** The console's sections, in navigation order. */
export const NAV_LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/teams', label: 'Teams' },
  { href: '/keys', label: 'Keys' },
  { href: '/models', label: 'Models' },
  { href: '/fleet', label: 'Fleet' },
  { href: '/batches', label: 'Batches' },
  { href: '/usage', label: 'Usage' },
  { href: '/requests', label: 'Request log' },
] as const;

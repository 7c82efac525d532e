export { apiKeys } from './api-keys.ts';
export { models } from './models.ts';
export { usage } from './usage.ts';
export { usageHourly, usageDaily, usageTeamHourly, usageTeamDaily } from './rollups.ts';
export { responses } from './responses.ts';
export { teams, teamSpend } from './teams.ts';
export { adminUsers, adminSessions } from './admin.ts';

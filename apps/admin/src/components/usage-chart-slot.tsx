import { Paper, Text } from '@mantine/core';

/**
 * SLOT for the usage chart of one key or one team (requests and spend per day), filled from
 * @corral/analytics' usage series. Takes exactly what the detail pages know.
 */
export function UsageChartSlot({ scope }: { scope: { keyId: string } | { teamId: string } }) {
  return (
    <Paper withBorder p="md" data-usage-scope={JSON.stringify(scope)}>
      <Text size="sm" c="dimmed">
        Usage chart: coming.
      </Text>
    </Paper>
  );
}

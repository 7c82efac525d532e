import { Anchor, Center, Stack, Text, Title } from '@mantine/core';

export default function NotFound() {
  return (
    <Center mih="60vh">
      <Stack align="center" gap="xs">
        <Title order={2}>Not found</Title>
        <Text c="dimmed">Nothing lives at this address.</Text>
        <Anchor href="/">
          Back to the overview
        </Anchor>
      </Stack>
    </Center>
  );
}

import { Skeleton, Stack } from '@mantine/core';

export default function Loading() {
  return (
    <Stack gap="md" role="status" aria-label="Loading usage">
      <Skeleton h={40} w="40%" />
      <Skeleton h={56} />
      <Skeleton h={340} />
      <Skeleton h={240} />
    </Stack>
  );
}

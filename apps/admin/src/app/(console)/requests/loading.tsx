import { Skeleton, Stack } from '@mantine/core';

export default function Loading() {
  return (
    <Stack gap="md" role="status" aria-label="Loading the request log">
      <Skeleton h={40} w="40%" />
      <Skeleton h={56} />
      {Array.from({ length: 8 }, (_, index) => (
        <Skeleton key={index} h={28} />
      ))}
    </Stack>
  );
}

import { Center, Loader } from '@mantine/core';

export default function Loading() {
  return (
    <Center mih={200} role="status" aria-label="Loading">
      <Loader />
    </Center>
  );
}

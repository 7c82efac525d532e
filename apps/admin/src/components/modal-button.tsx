'use client';

import { useCallback, useState, type ReactNode } from 'react';
import { Button, Modal, type ButtonProps } from '@mantine/core';

/** A button that opens a modal; the content gets `close` to call when it is done. */
export function ModalButton({ label, title, children, variant, size, disabled }: { label: string; title: string; children: (close: () => void) => ReactNode; variant?: ButtonProps['variant']; size?: ButtonProps['size']; disabled?: boolean }) {
  const [opened, setOpened] = useState(false);
  const close = useCallback(() => setOpened(false), []);
  return (
    <>
      <Button variant={variant} size={size} onClick={() => setOpened(true)} disabled={disabled}>
        {label}
      </Button>
      <Modal opened={opened} onClose={close} title={title} centered size="lg">
        {opened && children(close)}
      </Modal>
    </>
  );
}

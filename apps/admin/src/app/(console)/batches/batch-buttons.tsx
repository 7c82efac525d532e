'use client';

import { ConfirmAction } from '@/components/confirm-action.tsx';
import { cancelBatchAction } from './actions.ts';

export function CancelBatchButton({ id, readOnly }: { id: string; readOnly: boolean }) {
  return (
    <ConfirmAction
      action={cancelBatchAction}
      fields={{ id }}
      label="Cancel"
      title={`Cancel ${id}?`}
      question="No new line of this batch starts. The lines running now finish, and their results stay in the batch's output file."
      confirmLabel="Cancel batch"
      dismissLabel="Keep it running"
      disabled={readOnly}
    />
  );
}

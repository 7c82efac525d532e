'use client';

import { ConfirmAction } from '@/components/confirm-action.tsx';
import { ModalButton } from '@/components/modal-button.tsx';
import { createKey, revokeKey, updateKey } from './actions.ts';
import { KeyForm, type KeyFormValues } from './key-form.tsx';

type TeamChoices = { value: string; label: string }[];

export function NewKeyButton({ teams, readOnly, teamId }: { teams: TeamChoices; readOnly: boolean; teamId?: string }) {
  return (
    <ModalButton label="New key" title="New key">
      {(close) => (
        <KeyForm
          action={createKey}
          teams={teams}
          readOnly={readOnly}
          submitLabel="Create key"
          onDone={close}
          initial={teamId ? { name: '', teamId, models: [], rpm: null, tpm: null, budgetUsd: null, expiresOn: null } : undefined}
        />
      )}
    </ModalButton>
  );
}

export function EditKeyButton({ initial, teams, readOnly }: { initial: KeyFormValues & { id: string }; teams: TeamChoices; readOnly: boolean }) {
  return (
    <ModalButton label="Edit" title={`Edit ${initial.name}`} variant="light" size="xs">
      {(close) => <KeyForm action={updateKey} initial={initial} teams={teams} readOnly={readOnly} submitLabel="Save key" onDone={close} />}
    </ModalButton>
  );
}

export function RevokeKeyButton({ id, name, readOnly }: { id: string; name: string; readOnly: boolean }) {
  return (
    <ConfirmAction
      action={revokeKey}
      fields={{ id }}
      label="Revoke"
      title={`Revoke ${name}?`}
      question="Every edge refuses this key within a second. This cannot be undone."
      confirmLabel="Revoke key"
      disabled={readOnly}
    />
  );
}

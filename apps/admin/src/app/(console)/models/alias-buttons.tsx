'use client';

import { ConfirmAction } from '@/components/confirm-action.tsx';
import { ModalButton } from '@/components/modal-button.tsx';
import type { AliasRow } from '@corral/analytics';
import { deleteAlias } from './actions.ts';
import { AliasForm } from './alias-form.tsx';

export function NewAliasButton({ fleetModels, readOnly }: { fleetModels: string[]; readOnly: boolean }) {
  return (
    <ModalButton label="New alias" title="New alias">
      {(close) => <AliasForm fleetModels={fleetModels} readOnly={readOnly} onDone={close} />}
    </ModalButton>
  );
}

export function EditAliasButton({ alias, fleetModels, readOnly }: { alias: AliasRow; fleetModels: string[]; readOnly: boolean }) {
  return (
    <ModalButton label="Edit" title={`Edit ${alias.alias}`} variant="light" size="xs">
      {(close) => <AliasForm initial={alias} fleetModels={fleetModels} readOnly={readOnly} onDone={close} />}
    </ModalButton>
  );
}

export function DeleteAliasButton({ alias, readOnly }: { alias: string; readOnly: boolean }) {
  return <ConfirmAction action={deleteAlias} fields={{ alias }} label="Delete" title={`Delete ${alias}?`} question="Clients asking for this alias get model_not_found (the Ollama model itself stays reachable by its own name)." confirmLabel="Delete alias" disabled={readOnly} />;
}

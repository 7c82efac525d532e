'use client';

import { useRouter } from 'next/navigation';
import { ConfirmAction } from '@/components/confirm-action.tsx';
import { ModalButton } from '@/components/modal-button.tsx';
import { createTeam, deleteTeam, updateTeam } from './actions.ts';
import { TeamForm, type TeamFormValues } from './team-form.tsx';

export function NewTeamButton({ readOnly }: { readOnly: boolean }) {
  return (
    <ModalButton label="New team" title="New team">
      {(close) => <TeamForm action={createTeam} readOnly={readOnly} submitLabel="Create team" onDone={close} />}
    </ModalButton>
  );
}

export function EditTeamButton({ team, readOnly }: { team: TeamFormValues & { id: string }; readOnly: boolean }) {
  return (
    <ModalButton label="Edit" title={`Edit ${team.name}`} variant="light" size="xs">
      {(close) => <TeamForm action={updateTeam} initial={team} readOnly={readOnly} submitLabel="Save team" onDone={close} />}
    </ModalButton>
  );
}

/** Deleting is refused by accounting while the team owns active keys; the dialog shows that answer. */
export function DeleteTeamButton({ id, name, readOnly, goTo }: { id: string; name: string; readOnly: boolean; goTo?: string }) {
  const router = useRouter();
  return (
    <ConfirmAction
      action={deleteTeam}
      fields={{ id }}
      label="Delete"
      title={`Delete ${name}?`}
      question="The team and its settings are removed. A team that still owns active keys cannot be deleted: revoke or move them first."
      confirmLabel="Delete team"
      disabled={readOnly}
      onDone={goTo ? () => router.push(goTo) : undefined}
    />
  );
}

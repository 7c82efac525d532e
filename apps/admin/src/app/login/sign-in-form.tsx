'use client';

import { useActionState } from 'react';
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { signIn, type SignInState } from '@/lib/sign-in.ts';

export function SignInForm() {
  const [state, formAction, pending] = useActionState<SignInState | null, FormData>(signIn, null);
  return (
    <form action={formAction}>
      <Stack gap="sm">
        {state?.error && (
          <Alert color="red" role="alert" data-testid="sign-in-error">
            {state.error}
          </Alert>
        )}
        <TextInput name="email" type="email" label="Email" autoComplete="username" required autoFocus />
        <PasswordInput name="password" label="Password" autoComplete="current-password" required />
        <Button type="submit" loading={pending}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

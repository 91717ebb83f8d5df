import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import { SignInDocument } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { startSession } from '../session';

/** Signs in and starts the session; an unsuccessful attempt leaves a message for the form. */
export function useSignIn() {
  const client = useApolloClient();
  const [mutate, { loading }] = useMutation(SignInDocument);
  const [error, setError] = useState<string | null>(null);

  const signIn = useCallback(
    async (username: string, password: string): Promise<boolean> => {
      setError(null);
      try {
        const { data } = await mutate({ variables: { input: { username, password } } });
        if (!data) throw new Error('No answer to sign-in');
        // Nothing cached for a previous user may show through.
        await client.clearStore();
        startSession({ token: data.signIn.token, expiresAt: data.signIn.expiresAt });
        return true;
      } catch (caught) {
        setError(describeError(caught));
        return false;
      }
    },
    [client, mutate],
  );

  return { signIn, signingIn: loading, error };
}

import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
import { SignOutDocument } from '../../../generated/graphql';
import { endSession } from '../session';

/** Ends the session on the server, then here, whatever the server answered, and returns to sign-in. */
export function useSignOut() {
  const client = useApolloClient();
  const navigate = useNavigate();
  const [signOut, { loading }] = useMutation(SignOutDocument);

  const run = useCallback(async () => {
    try {
      await signOut();
    } catch {
      // An already ended session is signed out all the same.
    }
    endSession();
    await navigate('/sign-in', { replace: true });
    await client.clearStore();
  }, [client, navigate, signOut]);

  return { signOut: run, signingOut: loading };
}

import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../session';

export interface SignInRedirectState {
  /** Where to return after signing in. */
  from?: string;
}

/** Renders its children only with a session; otherwise sends the user to sign in, then back here. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (!session) {
    const state: SignInRedirectState = { from: `${location.pathname}${location.search}` };
    return <Navigate to="/sign-in" replace state={state} />;
  }
  return children;
}

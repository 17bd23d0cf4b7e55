import type { User } from '@cloudsage/schema';
import { createContext, useContext } from 'react';

/** The signed-in user and how to change the session, shared by every page. */
export interface Session {
  user: User;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

/** The session; only pages behind the sign-in gate call this. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

import { Initial1763850000000 } from './1763850000000-Initial';

/** Every migration, in order; applied at start. */
export const migrations = [Initial1763850000000];

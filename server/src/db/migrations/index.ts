import { Initial1763850000000 } from './1763850000000-Initial';
import { RolloutEngine1763860000000 } from './1763860000000-RolloutEngine';

/** Every migration, in order; applied at start. */
export const migrations = [Initial1763850000000, RolloutEngine1763860000000];

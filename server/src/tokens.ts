/** Injection tokens for values that are not classes. */
export const CONFIG = Symbol('Config');
/** The PostgreSQL-backed job queue of the rollout engine. */
export const JOB_QUEUE = Symbol('JobQueue');

import { z } from 'zod';

/** MANUAL: a person deploys and reports the outcome; `instructions` tell them how. */
export const manualConfig = z.object({ instructions: z.string().optional() }).strict();

export type ManualConfig = z.infer<typeof manualConfig>;

import { timestamp } from 'drizzle-orm/pg-core';

/** An instant: timestamptz with microseconds (the input contract keeps them). */
export const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 });

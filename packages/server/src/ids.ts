import { v7 as uuidv7 } from 'uuid';

/** Ids are opaque to clients; v7 UUIDs sort by creation time, which keeps indexes compact. */
export const newId = (): string => uuidv7();

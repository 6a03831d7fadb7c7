import { v7 as uuidv7 } from 'uuid';

/**
 * A UUID v7 for `clientMsgId`: it rises with time, so the server's dedupe index, led by it,
 * takes new ids at one edge instead of a page per chat. `uuid` draws on `getRandomValues`,
 * which browsers have outside secure contexts too (`crypto.randomUUID` they do not).
 */
export const newClientMsgId = (): string => uuidv7();

import type { SendPath } from '../SendPath.js';
import { appendNumbered } from './appendNumbered.js';
import { lookUpSendBatch } from './lookUpSendBatch.js';

export const sqliteSendPath: SendPath = { lookUpSendBatch, appendNumbered };

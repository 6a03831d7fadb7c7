import type { SendPath } from '../SendPath.js';
import { insertNumbered } from './insertNumbered.js';
import { lookUpSendBatch } from './lookUpSendBatch.js';

export const postgresSendPath: SendPath = { lookUpSendBatch, appendNumbered: insertNumbered };

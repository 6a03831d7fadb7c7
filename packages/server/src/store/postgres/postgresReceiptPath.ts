import type { ReceiptPath } from '../ReceiptPath.js';
import { lookUpReceiptBatch } from './lookUpReceiptBatch.js';
import { raiseReceiptCursors } from './raiseReceiptCursors.js';

export const postgresReceiptPath: ReceiptPath = { lookUpReceiptBatch, raiseReceiptCursors };

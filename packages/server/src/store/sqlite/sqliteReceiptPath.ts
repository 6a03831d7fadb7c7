import type { ReceiptPath } from '../ReceiptPath.js';
import { lookUpReceiptBatch } from './lookUpReceiptBatch.js';
import { raiseReceiptCursors } from './raiseReceiptCursors.js';

export const sqliteReceiptPath: ReceiptPath = { lookUpReceiptBatch, raiseReceiptCursors };

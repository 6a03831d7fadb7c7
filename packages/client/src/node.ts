/** Node entry: everything of the main entry, plus the file store. */
export * from './index.js';
export { FileStore } from './store/FileStore.js';

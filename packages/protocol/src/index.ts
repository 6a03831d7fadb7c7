export * from './errors.js';
export * from './limits.js';
export * from './models.js';
export * from './requests.js';
export * from './frames.js';
export * from './fallback.js';
export * from './accountExport.js';
export * from './pushPreview.js';

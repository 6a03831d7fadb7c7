/**
 * Whether someone is looking at this page: shown, and the window has the focus. A tab in the
 * background, or a window behind another app, is not: new messages there get notices.
 */
export function pageAttended(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

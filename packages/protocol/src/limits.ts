/** Limits shared by server validation and client-side checks. */
export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  usernamePattern: '^[a-z0-9_.]+$',
  passwordMin: 10,
  passwordMax: 1024,
  displayNameMax: 64,
  aboutMax: 512,
  urlMax: 2048,
  /** Text content is measured in UTF-8 bytes. */
  messageTextMaxBytes: 16 * 1024,
  groupNameMax: 128,
  clientMsgIdMax: 64,
  idMax: 64,
  historyPageMax: 200,
  historyPageDefault: 50,
  syncPageMax: 1000,
  /** Messages in one `synced` frame across all chats. */
  syncTotalMax: 5000,
  deviceNameMax: 64,
  locationNameMax: 256,
  /** Characters of text or caption a reply's quote carries. */
  quoteSnippetMax: 120,
  /** Bytes of UTF-8 in one reaction (an emoji, possibly with modifiers and joiners). */
  reactionMaxBytes: 64,
  searchQueryMax: 200,
  searchPageMax: 50,
  searchPageDefault: 20,
} as const;

export const PROTOCOL_VERSION = 1;

import { Type, type TSchema } from '@sinclair/typebox';

export const ErrorReply = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

/** The error replies a protected route can give, for the OpenAPI document. */
export const errorReplies = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries([400, 401, ...statuses].map((s) => [s, ErrorReply]));

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const MemberParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  userId: Type.String({ minLength: 1, maxLength: 64 }),
});
/** A message of a chat: `/chats/{id}/messages/{messageId}…`. */
export const MessageParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  messageId: Type.String({ minLength: 1, maxLength: 64 }),
});
export const UserIdParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) });
export const bearer = [{ bearerAuth: [] }];

import type { LoginBody, User } from '@parley/protocol';
import { AppError } from '../errors.js';
import type { Context } from '../context.js';
import { burnPasswordCheck, verifyPassword } from './passwords.js';
import { presentUser } from './presentUser.js';
import { openSession, type SessionTokens } from './sessions.js';

export async function login(ctx: Context, body: LoginBody): Promise<SessionTokens & { user: User }> {
  const user = await ctx.store.db.selectFrom('users').selectAll().where('username', '=', body.username.toLowerCase()).executeTakeFirst();
  if (!user || user.deleted_at !== null) {
    await burnPasswordCheck(body.password);
    throw wrongCredentials();
  }
  if (!(await verifyPassword(user.password_hash, body.password))) throw wrongCredentials();
  const session = await ctx.store.transaction((trx) => openSession(ctx, trx, user.id, body.deviceName ?? 'unnamed device'));
  return { user: presentUser(user), ...session };
}

/** Also what deleting an account answers to a wrong password. */
export const wrongCredentials = () => new AppError('unauthorized', 'wrong username or password');

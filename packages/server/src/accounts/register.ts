import type { RegisterBody, User } from '@parley/protocol';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { Context } from '../context.js';
import { isUniqueViolation } from '../store/errors.js';
import { hashPassword } from './passwords.js';
import { presentUser } from './presentUser.js';
import { openSession, type SessionTokens } from './sessions.js';

export async function register(ctx: Context, body: RegisterBody): Promise<SessionTokens & { user: User }> {
  const taken = await ctx.store.db.selectFrom('users').select('id').where('username', '=', body.username).executeTakeFirst();
  if (taken) throw usernameTaken(body.username);
  const passwordHash = await hashPassword(body.password);
  const row = {
    id: newId(),
    username: body.username,
    display_name: body.displayName?.trim() || body.username,
    password_hash: passwordHash,
    avatar_url: null,
    about: null,
    created_at: Date.now(),
  };
  try {
    return await ctx.store.transaction(async (trx) => {
      await trx.insertInto('users').values(row).execute();
      const session = await openSession(ctx, trx, row.id, body.deviceName ?? 'unnamed device');
      return { user: presentUser(row), ...session };
    });
  } catch (err) {
    // Two registrations of one name at once: the unique index decides.
    if (isUniqueViolation(err)) throw usernameTaken(body.username);
    throw err;
  }
}

const usernameTaken = (username: string) => new AppError('username_taken', `username "${username}" is taken`);

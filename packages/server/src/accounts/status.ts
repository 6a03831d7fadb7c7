import type { Caller, Context } from '../context.js';
import type { Status } from '../presence/Presence.js';

export const setStatus = (ctx: Context, caller: Caller, status: Status): Status => ctx.presence.set(caller.userId, status);

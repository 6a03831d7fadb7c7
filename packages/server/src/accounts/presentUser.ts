import type { Profile, User } from '@parley/protocol';
import type { UserRow } from '../store/schema.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

type UserFields = Pick<UserRow, 'id' | 'username' | 'display_name'> & { deleted_at?: number | string | null };

export function presentUser(row: UserFields): User {
  const user: User = { id: row.id, username: row.username, displayName: row.display_name };
  if (row.deleted_at != null) user.deleted = true;
  return user;
}

export function presentProfile(row: UserRow): Profile {
  const { deleted, ...user } = presentUser(row);
  const profile: Profile = { ...user, createdAt: iso(row.created_at) };
  if (deleted) profile.deleted = true;
  if (row.avatar_url) profile.avatarUrl = row.avatar_url;
  if (row.about) profile.about = row.about;
  return profile;
}

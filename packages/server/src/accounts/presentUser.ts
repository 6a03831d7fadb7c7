import type { Profile, User } from '@parley/protocol';
import type { UserRow } from '../store/schema.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

type UserFields = Pick<UserRow, 'id' | 'username' | 'display_name'>;

export const presentUser = (row: UserFields): User => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
});

export function presentProfile(row: UserRow): Profile {
  const profile: Profile = { ...presentUser(row), createdAt: iso(row.created_at) };
  if (row.avatar_url) profile.avatarUrl = row.avatar_url;
  if (row.about) profile.about = row.about;
  return profile;
}

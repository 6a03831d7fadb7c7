import crypto from 'node:crypto';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Plain fetch against /api/v1, exactly as an outside client would call it. */
export async function api<T = any>(baseUrl: string, method: string, path: string, body?: unknown, token?: string): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export const uniqueName = (prefix = 'u'): string => `${prefix}_${crypto.randomBytes(5).toString('hex')}`;

export async function registerUser(baseUrl: string, prefix = 'u'): Promise<TestUser> {
  const username = uniqueName(prefix);
  const password = 'correct horse battery';
  const res = await api(baseUrl, 'POST', '/auth/register', { username, password });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.user.id, username, password, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/** Another login of the same user: a second device with its own session. */
export async function loginDevice(baseUrl: string, user: TestUser, deviceName = 'second'): Promise<TestUser> {
  const res = await api(baseUrl, 'POST', '/auth/login', { username: user.username, password: user.password, deviceName });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return { ...user, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

export async function openPrivateChat(baseUrl: string, a: TestUser, b: TestUser): Promise<string> {
  const res = await api(baseUrl, 'POST', '/chats/private', { userId: b.id }, a.accessToken);
  if (res.status !== 201 && res.status !== 200) throw new Error(`private chat failed: ${res.status}`);
  return res.body.id;
}

export async function createGroup(baseUrl: string, admin: TestUser, members: TestUser[], name = 'group'): Promise<string> {
  const res = await api(baseUrl, 'POST', '/chats/group', { name, memberIds: members.map((m) => m.id) }, admin.accessToken);
  if (res.status !== 201) throw new Error(`group failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

import { describe, expect, it } from 'vitest';
import type { Chat } from '@parley/protocol';
import { ChatDirectory } from '../src/ChatDirectory.js';

function chat(id: string, name: string): Chat {
  return { id, type: 'group', name, members: [], lastSeq: 0, unreadCount: 0, createdAt: '2026-01-01T00:00:00.000Z', muted: false };
}

/** A directory whose changes are recorded, and a list call that answers when told. */
function directory() {
  const heard: string[] = [];
  const dir = new ChatDirectory({ changed: (c) => heard.push(`${c.id}=${c.name}`), removed: (id) => heard.push(`-${id}`) });
  const answers: Array<(chats: Chat[]) => void> = [];
  const list = () => new Promise<Chat[]>((resolve) => answers.push(resolve));
  /** Answers the n-th list call (the first by default). */
  return { dir, heard, list, answer: (chats: Chat[], n = 0) => answers[n]!(chats) };
}

describe('chat directory', () => {
  it('applies the list: new chats, changes, and chats no longer listed', async () => {
    const { dir, heard, list, answer } = directory();
    dir.update(chat('a', 'A'));
    dir.update(chat('b', 'B'));
    const refreshed = dir.refresh(list);
    answer([chat('c', 'C'), chat('a', 'A2')]);
    expect((await refreshed).map((c) => c.name)).toEqual(['C', 'A2']);
    expect(heard).toEqual(['a=A', 'b=B', '-b', 'c=C', 'a=A2']);
  });

  it('keeps what a frame changed while the list was on its way over the list’s older state', async () => {
    const { dir, heard, list, answer } = directory();
    dir.update(chat('a', 'A'));
    dir.update(chat('b', 'B'));
    const refreshed = dir.refresh(list);
    dir.update(chat('a', 'renamed meanwhile'));
    dir.remove('b');
    dir.update(chat('n', 'new meanwhile'));
    answer([chat('a', 'A'), chat('b', 'B')]);
    expect((await refreshed).map((c) => c.name)).toEqual(['new meanwhile', 'renamed meanwhile']);
    expect(heard).toEqual(['a=A', 'b=B', 'a=renamed meanwhile', '-b', 'n=new meanwhile']);
  });

  it('lets a list asked for later win over an earlier one, whichever answers first', async () => {
    const { dir, heard, list, answer } = directory();
    dir.update(chat('a', 'A'));
    const first = dir.refresh(list);
    const second = dir.refresh(list);
    answer([chat('a', 'renamed while offline')], 0);
    await first;
    answer([chat('a', 'renamed again')], 1);
    expect((await second).map((c) => c.name)).toEqual(['renamed again']);

    const third = dir.refresh(list);
    const fourth = dir.refresh(list);
    answer([chat('a', 'newest')], 3);
    await fourth;
    answer([chat('a', 'renamed again')], 2);
    expect((await third).map((c) => c.name)).toEqual(['newest']);
    expect(heard).toEqual(['a=A', 'a=renamed while offline', 'a=renamed again', 'a=newest']);
  });
});

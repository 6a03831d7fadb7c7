import { useEffect, useState } from 'react';
import type { ParleyClient, User } from '@parley/client';
import { AppStore } from '../state/AppStore.js';
import { keepLinked } from '../state/keepLinked.js';
import { AppContext } from '../state/useApp.js';
import { ChatPane } from './ChatPane.js';
import { ContactsPanel } from './ContactsPanel.js';
import { OfflineBanner } from './OfflineBanner.js';
import { SettingsPanel } from './SettingsPanel.js';
import { Sidebar } from './Sidebar.js';
import type { MessageJump } from './useMessageJump.js';
import { useOpenChat } from './useOpenChat.js';
import { useServiceWorkerMessages } from './useServiceWorkerMessages.js';
import { IconChat } from './icons.js';
import { TabTitle } from './TabTitle.js';
import { forgetNotifications } from '../session/notificationSwitch.js';
import { UnattendedNotices } from '../notices/UnattendedNotices.js';

export type Panel = 'chats' | 'contacts' | 'settings';

interface MessengerProps {
  client: ParleyClient;
  me: User;
  onSignedOut(): void;
}

/**
 * The signed-in app: the list pane and the chat pane side by side, or one at a time on a
 * phone. The cached chats show at once; the link follows the browser's online state.
 */
export function Messenger({ client, me, onSignedOut }: MessengerProps) {
  const [store] = useState(() => new AppStore(client, me));
  const [chatId, openChat] = useOpenChat();
  const [panel, setPanel] = useState<Panel>('chats');
  const [jump, setJump] = useState<MessageJump>();
  useServiceWorkerMessages(client, openChat);
  const openMessage = (chatId: string, seq: number) => {
    setJump((old) => ({ chatId, seq, n: (old?.n ?? 0) + 1 }));
    openChat(chatId);
  };
  // A jump belongs to the chat it was made in while that chat stays open: coming back later opens at the newest.
  useEffect(() => {
    if (jump && jump.chatId !== chatId) setJump(undefined);
  }, [jump, chatId]);

  useEffect(() => {
    const stop = store.start();
    const stopNotices = new UnattendedNotices(store).start();
    let unlink: (() => void) | undefined;
    let stopped = false;
    void store.restore().then(() => {
      if (!stopped) unlink = keepLinked(client, (online) => store.setOnline(online));
    });
    // The session remembers the name from sign-in; another device may have changed it since.
    client.request<User>('GET', '/users/me').then((p) => store.setMe({ id: p.id, username: p.username, displayName: p.displayName })).catch(() => {});
    const hidden = () => document.visibilityState === 'hidden' && void store.cache.flush();
    document.addEventListener('visibilitychange', hidden);
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', hidden);
      unlink?.();
      stopNotices();
      stop();
    };
  }, [store, client]);

  const signOut = async () => {
    try {
      await client.logout();
    } catch {
      client.session = undefined; // Offline: this device forgets the session anyway.
    }
    await forgetNotifications().catch(() => {}); // the server dropped the device's subscription with the session; the choice goes too
    await store.cache.clear();
    openChat(undefined);
    onSignedOut();
  };

  return (
    <AppContext.Provider value={store}>
      <TabTitle />
      <div className="messenger" data-pane={chatId ? 'chat' : 'list'}>
        <OfflineBanner />
        <div className="panes">
          <aside className="sidebar" aria-label="Chats and settings">
            {panel === 'chats' && <Sidebar openChat={openChat} openMessage={openMessage} activeChatId={chatId} setPanel={setPanel} />}
            {panel === 'contacts' && <ContactsPanel openChat={(id) => (setPanel('chats'), openChat(id))} close={() => setPanel('chats')} />}
            {panel === 'settings' && <SettingsPanel close={() => setPanel('chats')} signOut={signOut} />}
          </aside>
          <main className="main">
            {chatId ? (
              <ChatPane key={chatId} chatId={chatId} jump={jump?.chatId === chatId ? jump : undefined} close={() => openChat(undefined)} openChat={openChat} />
            ) : (
              <div className="empty-pane">
                <IconChat width={48} height={48} />
                <h2>Pick a chat</h2>
                <p className="muted">Or start a new one with the pencil button.</p>
              </div>
            )}
          </main>
        </div>
      </div>
    </AppContext.Provider>
  );
}

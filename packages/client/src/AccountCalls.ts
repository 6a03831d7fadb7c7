import type { AccountExport, PushConfig, PushSubscription, PushSubscriptionBody } from '@parley/protocol';

/** What the account calls need of the client. */
export interface AccountHost {
  /** An authenticated call under /api/v1 (ParleyClient.request). */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** The server has ended the session: end it here too, as `logout` does. */
  endHere(reason: string): void;
}

/**
 * The signed-in user's own account, beside messaging: their data (export, deletion; docs/api.md,
 * "Your data") and this device's Web Push subscription (docs/notifications.md). ParleyClient
 * exposes each method under the same name and documents it there, where SDK users see it.
 */
export class AccountCalls {
  constructor(private readonly host: AccountHost) {}

  exportAccount(): Promise<AccountExport> {
    return this.host.request('GET', '/users/me/export');
  }

  async deleteAccount(password: string, options: { deleteMessages?: boolean } = {}): Promise<void> {
    await this.host.request('DELETE', '/users/me', { password, deleteMessages: options.deleteMessages ?? false });
    // The server has closed every device's connection and revoked this session already.
    this.host.endHere('account deleted');
  }

  pushConfig(): Promise<PushConfig> {
    return this.host.request('GET', '/push/config');
  }

  setPushSubscription(subscription: PushSubscriptionBody): Promise<PushSubscription> {
    return this.host.request('PUT', '/users/me/push-subscription', subscription);
  }

  removePushSubscription(): Promise<void> {
    return this.host.request('DELETE', '/users/me/push-subscription');
  }
}

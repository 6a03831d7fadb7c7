import type { MessageStatus } from '@parley/client';

const LABELS: Record<MessageStatus, string> = {
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent',
};

/** Clock while sending, one check when stored, two when delivered, two coloured when read. */
export function Tick({ status }: { status: MessageStatus }) {
  return (
    <span className={`tick tick-${status}`} data-tick={status} role="img" aria-label={LABELS[status]} title={LABELS[status]}>
      <svg viewBox="0 0 18 12" width="18" height="12" aria-hidden="true" focusable="false">
        {status === 'sending' && (
          <g fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round">
            <circle cx="9" cy="6" r="4.6" />
            <path d="M9 3.6V6l1.6 1.2" />
          </g>
        )}
        {status === 'sent' && <path d="M3.5 6.2 6.6 9.2 13 2.8" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />}
        {(status === 'delivered' || status === 'read') && (
          <g fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
            <path d="M1.5 6.2 4.6 9.2 11 2.8" />
            <path d="M7.4 8.4 8.2 9.2 14.6 2.8" />
          </g>
        )}
        {status === 'failed' && (
          <g fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round">
            <circle cx="9" cy="6" r="4.8" />
            <path d="M9 3.5v3M9 8.5h.01" />
          </g>
        )}
      </svg>
    </span>
  );
}

import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { ParleyError } from '@parley/client';

type Toast = { id: number; text: string };
const ToastContext = createContext<(error: unknown) => void>(() => {});

/** What went wrong, in words: the server's message for its errors, a hint for the network. */
export function describeError(error: unknown): string {
  if (error instanceof ParleyError) {
    if (error.code === 'network_error') return 'No connection to the server. Try again when you are online.';
    if (error.code === 'blocked') return 'You can’t message this person.';
    return error.message.charAt(0).toUpperCase() + error.message.slice(1);
  }
  return error instanceof Error ? error.message : String(error);
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const show = useCallback((error: unknown) => {
    const toast = { id: Date.now() + Math.random(), text: describeError(error) };
    setToasts((list) => [...list, toast]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== toast.id)), 5000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className="toast">{t.text}</div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** Shows an error, or a notice given as a string, for a few seconds; screen readers say it too (a polite live region). */
export function useShowError(): (error: unknown) => void {
  return useContext(ToastContext);
}

import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import { createClient } from './session/createClient.js';
import { App } from './ui/App.js';
import './styles.css';

async function main(): Promise<void> {
  const client = await createClient();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App client={client} />
    </StrictMode>,
  );
  // The app shell for offline starts; only where service workers exist (https or localhost).
  if ('serviceWorker' in navigator && import.meta.env.PROD) {
    navigator.serviceWorker.register('/sw.js').catch((err: unknown) => console.warn('parley: no offline shell', err));
  }
}

void main();

// An echo bot and a user talking to it, through the SDK.
// Start a server first (`npm start` serves http://127.0.0.1:3000), then:
//   node packages/client/examples/echo.mjs            (PARLEY_URL=... for another server)
import { ParleyClient } from '@parley/client';

const baseUrl = process.env.PARLEY_URL ?? 'http://127.0.0.1:3000';
const password = 'an example password';
const suffix = Math.random().toString(36).slice(2, 8);

// The bot echoes what others write, and marks it read (the sender sees the ticks move).
const bot = new ParleyClient({ baseUrl });
await bot.register(`echo_bot_${suffix}`, password, 'Echo bot');
bot.on('message', (m) => {
  if (m.senderId === bot.session.user.id) return;
  bot.markRead(m.chatId, m.seq);
  bot.send(m.chatId, `echo: ${m.content}`);
});
await bot.connect();

// A user opens a private chat with the bot and sends three messages.
const you = new ParleyClient({ baseUrl });
await you.register(`echo_user_${suffix}`, password, 'You');
const me = you.session.user.id;
you.on('state', (state) => console.log(`connection: ${state}`));
you.on('status', (m) => console.log(`  "${m.content}" is ${m.status}`));
const chat = await you.openPrivateChat(bot.session.user.id);
await you.connect();

const lines = ['hello', 'are you there?', 'bye'];
const echoed = new Promise((resolve) => {
  let echoes = 0;
  you.on('message', (m) => {
    console.log(`#${m.seq} ${m.senderId === me ? 'you' : 'bot'}: ${m.content}`);
    if (m.senderId !== me && ++echoes === lines.length) resolve();
  });
});
// send() returns at once (status "sending"); the SDK stores, sends and resends until acked.
for (const text of lines) you.send(chat.id, text);
await echoed;
await new Promise((r) => setTimeout(r, 300)); // Let the last read receipt arrive.

await you.close();
await bot.close();

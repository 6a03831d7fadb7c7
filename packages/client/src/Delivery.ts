import type { AckFrame, ErrorFrame, Message, ReceiptFrame } from '@parley/protocol';
import { CatchUp } from './CatchUp.js';
import { ChangeCursors } from './ChangeCursors.js';
import type { Emitter } from './Emitter.js';
import { ParleyError } from './http.js';
import { Outbox, type LocalMessage } from './Outbox.js';
import type { ClientEvents } from './ParleyClientOptions.js';
import { ReceiptMarks } from './ReceiptMarks.js';
import type { StoredState } from './store/ClientStore.js';
import type { StoreWriter } from './store/StoreWriter.js';
import { Ticks } from './Ticks.js';
import { Timeline } from './Timeline.js';
import type { OutgoingFrame } from './transport/Transport.js';

/** What delivery needs of the connection. */
export interface Link {
  /** Sends if a link is ready; returns false otherwise. */
  send(frame: OutgoingFrame): boolean;
  /** Drop the link and reconnect. */
  restart(reason: string): void;
}

export interface DeliveryOptions {
  autoDeliver: boolean;
  maxInFlight: number;
  syncTimeoutMs: number;
}

/**
 * One user's messages on this device: the timeline handed to the app, the outbox, the ticks of
 * own messages and the marks going out. Replaced as a whole when another user signs in.
 */
export class Delivery {
  readonly timeline: Timeline;
  readonly outbox: Outbox;
  readonly ticks: Ticks;
  readonly catchUp: CatchUp;
  readonly changes: ChangeCursors;
  private readonly marks: ReceiptMarks;

  constructor(
    private readonly link: Link,
    writer: StoreWriter,
    private readonly events: Emitter<ClientEvents>,
    me: () => string | undefined,
    private readonly options: DeliveryOptions,
  ) {
    this.timeline = new Timeline(
      (message) => this.deliver(message),
      (chatId, seq) => void writer.run((store) => store.setCursor(chatId, seq)),
    );
    this.outbox = new Outbox(writer, options.maxInFlight, () => this.pump());
    this.ticks = new Ticks(me, (local) => events.emit('status', local));
    this.changes = new ChangeCursors((chatId, changeSeq) => void writer.run((store) => store.setChangeSeq(chatId, changeSeq)));
    const updated = (message: Message) => events.emit('message.updated', message);
    this.catchUp = new CatchUp(this.timeline, this.changes, updated, (f) => link.send(f), () => link.restart('sync timeout'), options.syncTimeoutMs);
    this.marks = new ReceiptMarks((frame) => link.send(frame));
  }

  restore(state: StoredState): void {
    this.timeline.restore(state.cursors);
    this.changes.restore(state.changes ?? {});
    this.outbox.restore(state.outbox);
  }

  /**
   * A new link: `sync` first, then the resends, so the server (which handles a connection's
   * frames in order) answers the catch-up before acking anything new.
   */
  linkUp(): void {
    this.catchUp.request();
    this.pump();
    this.marks.linkUp();
  }

  linkDown(): void {
    this.catchUp.stop();
    this.outbox.linkDown();
  }

  stop(): void {
    this.marks.stop();
    this.outbox.stop();
  }

  send(local: LocalMessage): void {
    this.outbox.add(local);
  }

  mark(chatId: string, seq: number, status: ReceiptFrame['status']): void {
    this.marks.mark(chatId, seq, status);
  }

  /** Messages from a `message` frame, an ack or a `synced` chat. */
  take(chatId: string, messages: Message[]): void {
    this.timeline.accept(chatId, messages);
    if (this.timeline.hasGaps()) this.catchUp.request();
  }

  ack(frame: AckFrame): void {
    const local = this.outbox.ack(frame.clientMsgId, frame.message);
    if (local) this.events.emit('status', { ...local });
    this.take(frame.message.chatId, [frame.message]);
    if (local) this.ticks.track(local);
    this.pump();
  }

  error(frame: ErrorFrame): void {
    const failed = frame.ref === undefined ? undefined : this.outbox.refuse(frame.ref, frame.error);
    if (failed) this.events.emit('status', failed);
    else if (frame.ref === undefined) this.events.emit('error', new ParleyError(0, frame.error.code, frame.error.message));
  }

  forgetChat(chatId: string): void {
    this.ticks.removeChat(chatId);
    this.timeline.forget(chatId);
  }

  private pump(): void {
    this.outbox.pump((frame) => this.link.send(frame));
  }

  private deliver(message: Message): void {
    this.events.emit('message', message);
    if (this.options.autoDeliver) this.marks.mark(message.chatId, message.seq, 'delivered');
  }
}

import { Repeater, SlidingBuffer } from '@graphql-yoga/subscription';
import type { PubSub as TypeGraphQLPubSub } from 'type-graphql';
import type { LiveMessages, LiveTopic } from '../live/messages.js';
import { type LiveTransport, localTransport } from '../live/transport.js';

/**
 * Events a subscriber has not taken yet, per subscription. A dashboard on a slow link
 * that falls this far behind loses the oldest (positions can be replayed with `since`)
 * rather than making the server hold an ever longer queue for it.
 */
export const SUBSCRIBER_BUFFER = 512;

/** An event with its topic, for streams that listen to several topics. */
export type LiveEvent<T extends LiveTopic = LiveTopic> = { [K in T]: { topic: K; payload: LiveMessages[K] } }[T];

/**
 * Live events (positions, visits, overdue sites, incidents) for GraphQL subscriptions,
 * over a transport that reaches every server process: PostgreSQL LISTEN/NOTIFY on a real
 * server, in-process on the embedded one (see live/transport.ts).
 *
 * It has the shape type-graphql's `pubSub` option asks for. Not `createPubSub` from
 * @graphql-yoga/subscription: that one shares a single repeater buffer between all
 * subscriptions, and without a buffer a subscriber 1,024 events behind makes `publish`
 * throw. Here each subscription gets its own sliding buffer.
 */
export class PubSub implements TypeGraphQLPubSub {
  constructor(
    readonly transport: LiveTransport,
    private readonly bufferSize = SUBSCRIBER_BUFFER,
  ) {}

  /** Sends an event to the subscribers of every server process. Call it after the data is committed. */
  publish<T extends LiveTopic>(topic: T, payload: LiveMessages[T]): void {
    this.transport.send(topic, payload);
  }

  subscribe<T extends LiveTopic>(topic: T): Repeater<LiveMessages[T]> {
    return new Repeater<LiveMessages[T]>((push, stop) => {
      const off = this.transport.listen(topic, (payload) => {
        push(payload as LiveMessages[T]).catch(() => {});
      });
      stop.then(off);
    }, new SlidingBuffer(this.bufferSize));
  }

  /** Several topics in one stream, each event tagged with its topic. */
  events<T extends LiveTopic>(...topics: T[]): Repeater<LiveEvent<T>> {
    return new Repeater<LiveEvent<T>>((push, stop) => {
      const offs = topics.map((topic) =>
        this.transport.listen(topic, (payload) => {
          push({ topic, payload } as LiveEvent<T>).catch(() => {});
        }),
      );
      stop.then(() => {
        for (const off of offs) off();
      });
    }, new SlidingBuffer(this.bufferSize));
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

export function createLocalPubSub(): PubSub {
  return new PubSub(localTransport());
}

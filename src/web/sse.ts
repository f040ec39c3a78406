import type { EventHub, HubEvent } from "./hub.ts";

/** Events a slow client may have queued before it is dropped. */
const MAX_QUEUED_EVENTS = 512;
/** What a browser waits before reconnecting, in ms. */
const RETRY_MS = 2_000;

/**
 * A server-sent event stream of the hub's events: `first` at once, then
 * every event `filter` keeps. The subscription ends when the client goes
 * away, or when it falls too far behind (it reconnects).
 */
export function eventStream(
  hub: EventHub,
  options: {
    first: readonly HubEvent[];
    filter?: (event: HubEvent) => boolean;
  },
): Response {
  const encoder = new TextEncoder();
  let unsubscribe = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: HubEvent) => {
        if ((controller.desiredSize ?? 0) <= 0) {
          unsubscribe();
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(frame(event)));
      };
      controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n\n`));
      for (const event of options.first) send(event);
      const filter = options.filter;
      unsubscribe = hub.subscribe({
        send(event) {
          if (filter === undefined || filter(event)) send(event);
        },
        close() {
          try {
            controller.close();
          } catch {
            // Already closed.
          }
        },
      });
    },
    cancel() {
      unsubscribe();
    },
  }, new CountQueuingStrategy({ highWaterMark: MAX_QUEUED_EVENTS }));
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** One event in the text/event-stream format. */
export function frame(event: HubEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

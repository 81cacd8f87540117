/** Reads a server-sent event stream as fetch gives it; `events` fills as they arrive. */
export function openEvents(url: string, token: string, lastEventId?: string) {
  const events: { id: string; data: any }[] = [];
  const waiters = new Set<() => void>();
  const ctrl = new AbortController();
  let ready!: () => void;
  const opened = new Promise<void>((r) => (ready = r));
  const done = (async () => {
    const r = await fetch(url, { headers: { authorization: `token ${token}`, ...(lastEventId ? { "last-event-id": lastEventId } : {}) }, signal: ctrl.signal });
    if (!r.ok) throw new Error(`events: HTTP ${r.status}`);
    ready(); // the server subscribes the stream before it answers
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data !== undefined) {
          events.push({ id: id ?? "", data: JSON.parse(data) });
          for (const w of waiters) w();
        }
      }
    }
  })().catch((e) => {
    if ((e as Error).name !== "AbortError") throw e;
  });
  return {
    events,
    close: () => ctrl.abort(),
    done,
    /** Resolves once the server has answered: it subscribes the stream before that. */
    ready: opened,
    /** Waits until an event matches (woken by each arriving event, so it adds no delay of its own). */
    async until(pred: (d: any) => boolean, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = events.find((e) => pred(e.data));
        if (hit) return hit.data;
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.data)).slice(0, 2000)}`);
        await new Promise<void>((r) => {
          const wake = () => (waiters.delete(wake), clearTimeout(t), r());
          const t = setTimeout(wake, 250);
          waiters.add(wake);
        });
      }
    },
  };
}

/**
 * A stream already subscribed: what is published from now on reaches it. (Opened and then
 * not waited for, a short cell run at once can end before the server has the subscriber.)
 */
export async function subscribeEvents(url: string, token: string, lastEventId?: string) {
  const ev = openEvents(url, token, lastEventId);
  await Promise.race([ev.ready, ev.done.then(() => Promise.reject(new Error("the event stream ended before its first event")))]);
  return ev;
}

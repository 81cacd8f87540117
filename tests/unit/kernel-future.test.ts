import { afterEach, describe, expect, test, vi } from "vitest";
import { KernelFuture } from "../../lib/execution/kernel/future";
import { type Channel, type JupyterMessage, message } from "../../lib/execution/kernel/messages";

/**
 * The completion rule every kind of execution relies on (a notebook cell, a whole-notebook
 * run, a pipeline step): iopub and shell are separate channels, so a request is over only
 * once both its reply and its idle status arrived, in either order, and what the kernel
 * printed between them belongs to it.
 */
const REQUEST = "req-1";
const from = (channel: Channel, msgType: string, content: Record<string, unknown>): JupyterMessage => {
  const m = message(channel, msgType, content, "session");
  m.parent_header = { msg_id: REQUEST };
  return m;
};
const busy = () => from("iopub", "status", { execution_state: "busy" });
const idle = () => from("iopub", "status", { execution_state: "idle" });
const stream = (text: string) => from("iopub", "stream", { name: "stdout", text });
const reply = () => from("shell", "execute_reply", { status: "ok", execution_count: 1 });

function track() {
  const seen: string[] = [];
  let released = 0;
  const done = vi.fn();
  const future = new KernelFuture(REQUEST, false, {
    onIOPub: (m) => seen.push(m.header.msg_type === "stream" ? String(m.content.text) : String(m.content.execution_state)),
    onReply: () => seen.push("reply"),
    onDone: done,
  }, () => released++);
  return { future, seen, done, released: () => released };
}

afterEach(() => vi.useRealTimers());

describe("a kernel request's future", () => {
  test("reply first: outputs that follow the reply are the request's, and it is done at its idle", () => {
    const { future, seen, done, released } = track();
    for (const m of [busy(), stream("a"), reply(), stream("b")]) future.handle(m);
    expect(done).not.toHaveBeenCalled();
    future.handle(idle());
    expect(seen).toEqual(["busy", "a", "reply", "b", "idle"]);
    expect(done).toHaveBeenCalledTimes(1);
    expect(released()).toBe(1);
    future.handle(stream("late")); // a finished request hears nothing more
    expect(seen.at(-1)).toBe("idle");
  });

  test("idle first: done at the reply, which the caller can also await", async () => {
    const { future, done } = track();
    future.handle(busy());
    future.handle(idle());
    expect(done).not.toHaveBeenCalled();
    future.handle(reply());
    expect(done).toHaveBeenCalledTimes(1);
    await expect(future.reply).resolves.toMatchObject({ status: "ok", execution_count: 1 });
  });

  test("a reply whose idle never comes ends the request 5 s later, not never", () => {
    vi.useFakeTimers();
    const { future, done } = track();
    future.handle(reply());
    vi.advanceTimersByTime(4_900);
    expect(done).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(done).toHaveBeenCalledTimes(1);
    expect(future.isDone).toBe(true);
  });

  test("disposed (the kernel died, the socket closed): the reply rejects, later messages are dropped, onDone is not called", async () => {
    const { future, seen, done, released } = track();
    future.handle(busy());
    future.dispose("the kernel died");
    await expect(future.reply).rejects.toThrow("the kernel died");
    future.handle(reply());
    future.handle(idle());
    expect(seen).toEqual(["busy"]);
    expect(done).not.toHaveBeenCalled();
    expect(released()).toBe(1);
  });
});

import { expect, test } from "vitest";
import { forwardedClient } from "@/lib/http/client-address";

// Behind trusted load balancers the client is read from X-Forwarded-For, right to left.
const trusted = (a: string) => a === "10.0.0.5" || a.startsWith("10.0.1.");

test("the client is the first address from the right that is not a trusted proxy", () => {
  expect(forwardedClient("10.0.0.5", "203.0.113.7", trusted)).toBe("203.0.113.7");
  expect(forwardedClient("::ffff:10.0.0.5", "203.0.113.7, 10.0.1.3", trusted)).toBe("203.0.113.7"); // two of ours in a row
});

test("whatever a client claims further left is not believed, and nobody else's header is", () => {
  // the client sent "1.2.3.4" itself; the balancer appended the address it saw
  expect(forwardedClient("10.0.0.5", "1.2.3.4, 198.51.100.9", trusted)).toBe("198.51.100.9");
  // straight from a client, not through a trusted proxy: its header is ignored
  expect(forwardedClient("198.51.100.9", "1.2.3.4", trusted)).toBe("198.51.100.9");
  // a garbled chain: only the socket is believed
  expect(forwardedClient("10.0.0.5", "not-an-ip", trusted)).toBe("10.0.0.5");
  expect(forwardedClient("10.0.0.5", "10.0.1.4", trusted)).toBe("10.0.1.4"); // every hop ours: the first
});

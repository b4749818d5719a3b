// A PROTOCOL.md adapter: one JSON request per line on stdin, one answer per line on stdout,
// written synchronously (nothing left buffered) after each, until stdin ends. The subject is
// whatever the `Factory` given to `serve` makes.

import { Num, Value, parseObject } from "./json";

// Node's fs and TextDecoder, declared here so that the kit needs no @types/node.
declare function require(module: "fs"): {
  readSync(fd: number, buffer: Uint8Array): number;
  writeSync(fd: number, text: string): number;
};
declare class TextDecoder {
  constructor(label: "utf-8", options: { fatal: boolean; ignoreBOM: boolean });
  decode(bytes: Uint8Array): string;
}

/** Every {"err": NAME} of the protocol; the last three are about the request, not the subject. */
export type ErrName =
  | "QueueFull" | "Closed" | "Full" | "Empty" | "Disconnected"
  | "BadRequest" | "NoSubject" | "Unsupported";

/** Thrown (by a port or the adapter) when an operation's answer is {"err": name}. */
export class Refused {
  constructor(readonly name: ErrName) {}
}

/**
 * What a port implements: one subject, a bounded channel and the queue sending into it
 * (`trySend` is the other producer's send on the same channel). Items and counts are
 * bigint: a number holds integers exactly only up to 2^53.
 */
export interface Port {
  enqueueOrSend(item: bigint): void; // throws Refused: QueueFull, Closed
  tryDrainOne(): boolean; // Closed
  hasPending(): boolean;
  len(): bigint;
  trySend(item: bigint): void; // Full, Closed
  tryRecv(): bigint; // Empty, Disconnected
  close(): void;
  dropReceiver(): void;
  capacity(): bigint;
}

/** Makes a fresh subject: capacity 1 to 2^61 - 1, cap 0 to 2^64 - 1. */
export type Factory = (capacity: bigint, cap: bigint) => Port;

/**
 * The integer field `name` if it is written as one (no fraction, no exponent, not -0) and
 * lies in [low, high]; read from its text with BigInt, never through a double.
 */
function intField(fields: Map<string, Value>, name: string, low: bigint, high: bigint): bigint {
  const value = fields.get(name);
  if (value instanceof Num && /^-?[0-9]+$/.test(value.text) && value.text !== "-0") {
    const n = BigInt(value.text);
    if (low <= n && n <= high) return n;
  }
  throw new Refused("BadRequest");
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }); // a BOM is not JSON
const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n;

/** The answer's JSON value; request errors in PROTOCOL.md's order: BadRequest, NoSubject, Unsupported. */
function respond(line: Uint8Array, factory: Factory, state: { subject: Port | null }): string {
  let fields: Map<string, Value> | null = null;
  try {
    fields = parseObject(UTF8.decode(line));
  } catch {
    // not UTF-8
  }
  const op = fields?.get("op");
  if (fields === null || typeof op !== "string") throw new Refused("BadRequest");
  let item = 0n;
  if (op === "enqueue_or_send" || op === "try_send") item = intField(fields, "item", I64_MIN, I64_MAX);
  // v2: `send` needs an `item` and `poll`/`cancel` a `task` (read as an item) here.
  if (op === "new") {
    const capacity = intField(fields, "capacity", 1n, 2n ** 61n - 1n);
    const cap = intField(fields, "cap", 0n, 2n ** 64n - 1n);
    state.subject = factory(capacity, cap);
    return "null";
  }
  const s = state.subject;
  if (s === null) throw new Refused("NoSubject");
  switch (op) {
    case "enqueue_or_send": s.enqueueOrSend(item); return "null";
    case "try_drain_one": return String(s.tryDrainOne());
    case "has_pending": return String(s.hasPending());
    case "len": return String(s.len());
    case "try_send": s.trySend(item); return "null";
    case "try_recv": return String(s.tryRecv());
    case "close": s.close(); return "null";
    case "drop_receiver": s.dropReceiver(); return "null";
    case "capacity": return String(s.capacity());
    // v2 task operations (send, recv, notified, notify_one, poll, cancel) go here.
    default: throw new Refused("Unsupported");
  }
}

/** Serves stdin to stdout until stdin ends; a port that throws anything but Refused ends it. */
export function serve(factory: Factory): void {
  const fs = require("fs");
  const state = { subject: null as Port | null };
  const chunk = new Uint8Array(1 << 16);
  let pending = new Uint8Array(0);
  const answer = (line: Uint8Array): void => {
    if (line.every((b) => b === 0x20 || b === 0x09 || b === 0x0d)) return; // blank: no answer
    let text: string;
    try {
      text = `{"ok":${respond(line, factory, state)}}\n`;
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      text = `{"err":"${error.name}"}\n`;
    }
    fs.writeSync(1, text);
  };
  for (;;) {
    const n = fs.readSync(0, chunk);
    const data = new Uint8Array(pending.length + n);
    data.set(pending);
    data.set(chunk.subarray(0, n), pending.length);
    let start = 0;
    for (let end = data.indexOf(0x0a); end >= 0; end = data.indexOf(0x0a, start)) {
      answer(data.subarray(start, end));
      start = end + 1;
    }
    pending = data.slice(start);
    if (n === 0) break; // end of input
  }
  if (pending.length > 0) answer(pending); // a last line without a newline
}

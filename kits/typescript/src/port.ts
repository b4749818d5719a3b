// A small port of the seed's queue and of tokio 1.24.2's bounded channel (PORTING.md's
// rules), plugged into the adapter at the bottom. Replace it with your own port.

import { Port, Refused, serve } from "./adapter";

/** A first-in, first-out list with O(1) removal at the front (Array.shift is O(n)). */
class Fifo {
  private items: bigint[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  push(item: bigint): void {
    this.items.push(item);
  }
  front(): bigint {
    return this.items[this.head];
  }
  shift(): bigint {
    const item = this.items[this.head++];
    if (this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head); // reclaim the taken front
      this.head = 0;
    }
    return item;
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

type Receiver = "open" | "closed" | "dropped";

class QueuePort implements Port {
  // The channel: its buffer grows on demand, so a huge capacity costs nothing until used.
  private readonly buffer = new Fifo();
  private free: bigint; // slots a sender may still take
  private receiver: Receiver = "open";
  // The queue: a backlog of at most cap items.
  private readonly backlog = new Fifo();

  constructor(capacity: bigint, private readonly cap: bigint) {
    this.free = capacity;
  }

  enqueueOrSend(item: bigint): void {
    if (this.backlog.length === 0) {
      try {
        return this.trySend(item);
      } catch (refused) {
        if (!(refused instanceof Refused && refused.name === "Full")) throw refused; // Closed
      }
    }
    // A non-empty backlog is never bypassed, even with free slots or a closed channel.
    if (BigInt(this.backlog.length) >= this.cap) throw new Refused("QueueFull");
    this.backlog.push(item);
  }

  tryDrainOne(): boolean {
    if (this.backlog.length === 0) return false;
    try {
      this.trySend(this.backlog.front());
    } catch (refused) {
      if (!(refused instanceof Refused && refused.name === "Full")) {
        this.backlog.shift(); // Closed: the front item is lost (rule 11)
        throw refused;
      }
      return false; // Full: the item stays at the front
    }
    this.backlog.shift();
    return true;
  }

  hasPending(): boolean {
    return this.backlog.length > 0;
  }

  len(): bigint {
    return BigInt(this.backlog.length);
  }

  trySend(item: bigint): void {
    if (this.receiver !== "open") throw new Refused("Closed"); // closure wins over fullness
    if (this.free === 0n) throw new Refused("Full");
    this.free--;
    this.buffer.push(item);
  }

  tryRecv(): bigint {
    if (this.receiver === "dropped") throw new Refused("Disconnected");
    // Closed and empty is Empty, not Disconnected: tokio 1.24.2, senders alive (rule 17).
    if (this.buffer.length === 0) throw new Refused("Empty");
    this.free++;
    return this.buffer.shift();
  }

  close(): void {
    if (this.receiver === "open") this.receiver = "closed";
  }

  dropReceiver(): void {
    this.receiver = "dropped";
    this.free += BigInt(this.buffer.length);
    this.buffer.clear();
  }

  capacity(): bigint {
    return this.free;
  }
}

serve((capacity, cap) => new QueuePort(capacity, cap));

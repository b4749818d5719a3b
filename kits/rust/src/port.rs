//! A small port of the seed's queue and of tokio 1.24.2's bounded channel (PORTING.md's
//! rules). Replace it with your own port: only `impl Port for Subject` is the adapter's.

use crate::{Error, Port};
use std::collections::VecDeque;

#[derive(PartialEq)]
enum Receiver {
    Open,
    Closed,
    Dropped,
}

/// The bounded channel. `free` counts the slots a sender may still take; the buffer
/// grows on demand, so a huge capacity costs nothing until it is used.
struct Channel {
    buffer: VecDeque<i64>,
    free: usize,
    receiver: Receiver,
}

impl Channel {
    fn try_send(&mut self, item: i64) -> Result<(), Error> {
        if self.receiver != Receiver::Open {
            return Err(Error::Closed); // closure wins over fullness (rule 12)
        }
        if self.free == 0 {
            return Err(Error::Full);
        }
        self.free -= 1;
        self.buffer.push_back(item);
        Ok(())
    }
}

/// The channel, and the queue (a backlog of at most `cap` items) sending into it.
pub struct Subject {
    channel: Channel,
    backlog: VecDeque<i64>,
    cap: u64,
}

impl Subject {
    fn at_cap(&self) -> bool {
        self.backlog.len() as u64 >= self.cap
    }
}

impl Port for Subject {
    fn new(capacity: usize, cap: u64) -> Self {
        let channel = Channel { buffer: VecDeque::new(), free: capacity, receiver: Receiver::Open };
        Subject { channel, backlog: VecDeque::new(), cap }
    }

    fn enqueue_or_send(&mut self, item: i64) -> Result<(), Error> {
        if self.backlog.is_empty() {
            match self.channel.try_send(item) {
                Err(Error::Full) => {} // spill into the backlog below, if cap allows
                sent_or_closed => return sent_or_closed,
            }
        }
        // A non-empty backlog is never bypassed, even with free slots or a closed channel.
        if self.at_cap() {
            return Err(Error::QueueFull);
        }
        self.backlog.push_back(item);
        Ok(())
    }

    fn try_drain_one(&mut self) -> Result<bool, Error> {
        let Some(front) = self.backlog.pop_front() else {
            return Ok(false);
        };
        match self.channel.try_send(front) {
            Ok(()) => Ok(true),
            Err(Error::Full) => {
                self.backlog.push_front(front);
                Ok(false)
            }
            Err(closed) => Err(closed), // the front item is lost (rule 11)
        }
    }

    fn has_pending(&self) -> bool {
        !self.backlog.is_empty()
    }

    fn len(&self) -> usize {
        self.backlog.len()
    }

    fn try_send(&mut self, item: i64) -> Result<(), Error> {
        self.channel.try_send(item)
    }

    fn try_recv(&mut self) -> Result<i64, Error> {
        if self.channel.receiver == Receiver::Dropped {
            return Err(Error::Disconnected);
        }
        // Closed and empty is Empty, not Disconnected: tokio 1.24.2, senders alive (rule 17).
        let item = self.channel.buffer.pop_front().ok_or(Error::Empty)?;
        self.channel.free += 1;
        Ok(item)
    }

    fn close(&mut self) {
        if self.channel.receiver == Receiver::Open {
            self.channel.receiver = Receiver::Closed;
        }
    }

    fn drop_receiver(&mut self) {
        self.channel.receiver = Receiver::Dropped;
        self.channel.free += self.channel.buffer.len();
        self.channel.buffer.clear();
    }

    fn capacity(&self) -> usize {
        self.channel.free
    }
}

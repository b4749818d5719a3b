import java.util.ArrayDeque;

/**
 * A small port of the seed's queue and of tokio 1.24.2's bounded channel (PORTING.md's
 * rules), plugged into the adapter by {@link #main}. Replace it with your own port.
 */
final class QueuePort implements Port {
    private enum Receiver { OPEN, CLOSED, DROPPED }

    // The channel: its buffer grows on demand, so a huge capacity costs nothing until used.
    private final ArrayDeque<Long> buffer = new ArrayDeque<>();
    private long free; // slots a sender may still take
    private Receiver receiver = Receiver.OPEN;
    // The queue: a backlog of at most cap items (cap is unsigned 64-bit).
    private final ArrayDeque<Long> backlog = new ArrayDeque<>();
    private final long cap;

    QueuePort(long capacity, long cap) {
        this.free = capacity;
        this.cap = cap;
    }

    public static void main(String[] args) throws Exception {
        Adapter.serve(QueuePort::new);
    }

    private boolean atCap() {
        return Long.compareUnsigned(backlog.size(), cap) >= 0;
    }

    @Override
    public void enqueueOrSend(long item) throws Refused {
        if (backlog.isEmpty()) {
            try {
                trySend(item);
                return;
            } catch (Refused refused) {
                if (refused.name != Err.Full) throw refused; // Closed
            }
        }
        // A non-empty backlog is never bypassed, even with free slots or a closed channel.
        if (atCap()) throw new Refused(Err.QueueFull);
        backlog.addLast(item);
    }

    @Override
    public boolean tryDrainOne() throws Refused {
        Long front = backlog.pollFirst();
        if (front == null) return false;
        try {
            trySend(front);
            return true;
        } catch (Refused refused) {
            if (refused.name != Err.Full) throw refused; // Closed: the front item is lost (rule 11)
            backlog.addFirst(front);
            return false;
        }
    }

    @Override
    public boolean hasPending() {
        return !backlog.isEmpty();
    }

    @Override
    public long len() {
        return backlog.size();
    }

    @Override
    public void trySend(long item) throws Refused {
        if (receiver != Receiver.OPEN) throw new Refused(Err.Closed); // closure wins over fullness
        if (free == 0) throw new Refused(Err.Full);
        free--;
        buffer.addLast(item);
    }

    @Override
    public long tryRecv() throws Refused {
        if (receiver == Receiver.DROPPED) throw new Refused(Err.Disconnected);
        // Closed and empty is Empty, not Disconnected: tokio 1.24.2, senders alive (rule 17).
        if (buffer.isEmpty()) throw new Refused(Err.Empty);
        free++;
        return buffer.pollFirst();
    }

    @Override
    public void close() {
        if (receiver == Receiver.OPEN) receiver = Receiver.CLOSED;
    }

    @Override
    public void dropReceiver() {
        receiver = Receiver.DROPPED;
        free += buffer.size();
        buffer.clear();
    }

    @Override
    public long capacity() {
        return free;
    }
}

/**
 * What a port implements: one subject, a bounded channel and the queue sending into it
 * ({@code trySend} is the other producer's send on the same channel). A method that
 * refuses throws {@link Refused} with the answer's name.
 */
public interface Port {
    /** Every {@code {"err": NAME}} of the protocol; the last three are about the request. */
    enum Err { QueueFull, Closed, Full, Empty, Disconnected, BadRequest, NoSubject, Unsupported }

    /** Raised when an operation's answer is {@code {"err": name}}. */
    final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final Err name;

        Refused(Err name) {
            super(name.name(), null, false, false); // no stack trace: refusals are answers
            this.name = name;
        }
    }

    /** Makes a fresh subject: capacity 1 to 2^61 - 1; cap 0 to 2^64 - 1, read it unsigned. */
    interface Factory {
        Port create(long capacity, long cap);
    }

    void enqueueOrSend(long item) throws Refused; // QueueFull, Closed

    boolean tryDrainOne() throws Refused; // Closed

    boolean hasPending();

    long len();

    void trySend(long item) throws Refused; // Full, Closed

    long tryRecv() throws Refused; // Empty, Disconnected

    void close();

    void dropReceiver();

    long capacity();
}

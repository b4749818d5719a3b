import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A PROTOCOL.md adapter: one JSON request per line on stdin, one answer per line on stdout,
 * flushed after each, until stdin ends. The subject is whatever the {@link Port.Factory} makes.
 */
final class Adapter {
    private static final BigInteger I64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger I64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger CAPACITY_MAX = BigInteger.ONE.shiftLeft(61).subtract(BigInteger.ONE);
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final Port.Factory factory;
    private Port subject; // null until the first new

    private Adapter(Port.Factory factory) {
        this.factory = factory;
    }

    /** Serves stdin to stdout until stdin ends; a port that throws anything but Refused ends it. */
    static void serve(Port.Factory factory) throws IOException {
        Adapter adapter = new Adapter(factory);
        InputStream in = new BufferedInputStream(System.in);
        OutputStream out = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        for (byte[] line; (line = readLine(in, buffer)) != null; ) {
            if (new String(line, StandardCharsets.ISO_8859_1).matches("[ \t\r]*")) {
                continue; // a blank line is not a request and gets no answer
            }
            String answer;
            try {
                answer = "{\"ok\":" + adapter.respond(line) + "}\n";
            } catch (Port.Refused refused) {
                answer = "{\"err\":\"" + refused.name + "\"}\n";
            }
            out.write(answer.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** The next line's bytes without its newline, or null at the end of input. */
    private static byte[] readLine(InputStream in, ByteArrayOutputStream buffer) throws IOException {
        buffer.reset();
        int b;
        while ((b = in.read()) != -1 && b != '\n') buffer.write(b);
        return b == -1 && buffer.size() == 0 ? null : buffer.toByteArray();
    }

    /**
     * The integer field {@code name} if it is written as one (no fraction, no exponent, not -0)
     * and lies in [low, high]; parsed from its text, never through a double.
     */
    private static BigInteger intField(Map<String, Object> fields, String name, BigInteger low, BigInteger high)
            throws Port.Refused {
        if (fields.get(name) instanceof Json.Num num && num.text().matches("-?[0-9]+") && !num.text().equals("-0")) {
            BigInteger value = new BigInteger(num.text());
            if (value.compareTo(low) >= 0 && value.compareTo(high) <= 0) return value;
        }
        throw new Port.Refused(Port.Err.BadRequest);
    }

    /** The answer's JSON value; request errors in PROTOCOL.md's order: BadRequest, NoSubject, Unsupported. */
    private String respond(byte[] line) throws Port.Refused {
        Map<String, Object> fields;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line)).toString();
            fields = Json.parseObject(text);
        } catch (CharacterCodingException | IllegalArgumentException notOneObject) {
            throw new Port.Refused(Port.Err.BadRequest);
        }
        if (!(fields.get("op") instanceof String op)) throw new Port.Refused(Port.Err.BadRequest);
        long item = switch (op) {
            case "enqueue_or_send", "try_send" -> intField(fields, "item", I64_MIN, I64_MAX).longValue();
            // v2: `send` needs an `item` and `poll`/`cancel` a `task` (read as an item) here.
            default -> 0;
        };
        if (op.equals("new")) {
            long capacity = intField(fields, "capacity", BigInteger.ONE, CAPACITY_MAX).longValue();
            long cap = intField(fields, "cap", BigInteger.ZERO, U64_MAX).longValue(); // unsigned
            subject = factory.create(capacity, cap);
            return "null";
        }
        if (subject == null) throw new Port.Refused(Port.Err.NoSubject);
        switch (op) {
            case "enqueue_or_send" -> subject.enqueueOrSend(item);
            case "try_drain_one" -> { return String.valueOf(subject.tryDrainOne()); }
            case "has_pending" -> { return String.valueOf(subject.hasPending()); }
            case "len" -> { return String.valueOf(subject.len()); }
            case "try_send" -> subject.trySend(item);
            case "try_recv" -> { return String.valueOf(subject.tryRecv()); }
            case "close" -> subject.close();
            case "drop_receiver" -> subject.dropReceiver();
            case "capacity" -> { return String.valueOf(subject.capacity()); }
            // v2 task operations (send, recv, notified, notify_one, poll, cancel) go here.
            default -> throw new Port.Refused(Port.Err.Unsupported);
        }
        return "null";
    }
}

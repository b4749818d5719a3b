import java.util.HashMap;
import java.util.Map;

/**
 * Just enough JSON for PROTOCOL.md requests: one object per line, read exactly.
 * Numbers are kept as their text ({@link Num}), so an item is parsed once, as an integer,
 * never through a double. Nested values are checked and dropped ({@link #OTHER}).
 */
final class Json {
    /** A number as written: grammar checked, value not. */
    record Num(String text) {}

    /** true, false, null, an array or an object. */
    static final Object OTHER = new Object();

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /**
     * The fields of {@code text} (String, Num or OTHER values) if it is exactly one JSON object;
     * of a key given twice the last counts. Raises IllegalArgumentException when it is not one
     * (nesting 128 or more levels deep included).
     */
    static Map<String, Object> parseObject(String text) {
        Json p = new Json(text);
        Map<String, Object> fields = new HashMap<>();
        p.ws();
        check(p.peek() == '{');
        p.container(1, fields);
        p.ws();
        check(p.i == text.length());
        return fields;
    }

    private static void check(boolean ok) {
        if (!ok) throw new IllegalArgumentException("not one JSON object");
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private boolean eat(char c) {
        boolean hit = i < s.length() && s.charAt(i) == c;
        if (hit) i++;
        return hit;
    }

    private void ws() {
        while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) i++;
    }

    /** An object or array inside {@code depth - 1} others; an object's members go to fields. */
    private void container(int depth, Map<String, Object> fields) {
        char close = eat('{') ? '}' : eat('[') ? ']' : '?';
        check(close != '?' && depth < 128);
        ws();
        if (eat(close)) return;
        do {
            if (close == '}') {
                ws();
                String key = string();
                ws();
                check(eat(':'));
                Object value = value(depth);
                if (fields != null) fields.put(key, value);
            } else {
                value(depth);
            }
        } while (eat(','));
        check(eat(close));
    }

    private Object value(int depth) {
        ws();
        char c = peek();
        Object value;
        if (c == '{' || c == '[') {
            container(depth + 1, null);
            value = OTHER;
        } else if (c == '"') {
            value = string();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            value = number();
        } else {
            String word = s.startsWith("true", i) ? "true" : s.startsWith("false", i) ? "false" : "null";
            check(s.startsWith(word, i));
            i += word.length();
            value = OTHER;
        }
        ws();
        return value;
    }

    private int digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i - start;
    }

    private Num number() {
        int start = i;
        eat('-');
        boolean leadingZero = peek() == '0';
        int n = digits();
        check(n > 0 && !(leadingZero && n > 1));
        if (eat('.')) check(digits() > 0);
        if (eat('e') || eat('E')) {
            if (!eat('+')) eat('-');
            check(digits() > 0);
        }
        String text = s.substring(start, i);
        check(Double.isFinite(Double.parseDouble(text))); // 1e400 is refused, as the seed oracle does
        return new Num(text);
    }

    private char hex4() {
        check(i + 4 <= s.length());
        String hex = s.substring(i, i + 4);
        check(hex.chars().allMatch(h -> Character.digit(h, 16) >= 0));
        i += 4;
        return (char) Integer.parseInt(hex, 16);
    }

    private String string() {
        check(eat('"'));
        StringBuilder out = new StringBuilder();
        while (!eat('"')) {
            check(i < s.length());
            char c = s.charAt(i++);
            check(c >= 0x20); // raw control characters are not JSON
            if (c != '\\') {
                out.append(c);
                continue;
            }
            check(i < s.length());
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    char u = hex4();
                    check(!Character.isLowSurrogate(u)); // a lone low surrogate
                    out.append(u);
                    if (Character.isHighSurrogate(u)) { // must be followed by an escaped low one
                        check(eat('\\') && eat('u'));
                        char low = hex4();
                        check(Character.isLowSurrogate(low));
                        out.append(low);
                    }
                }
                default -> check(false);
            }
        }
        return out.toString();
    }
}

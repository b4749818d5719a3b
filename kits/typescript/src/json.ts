// Just enough JSON for PROTOCOL.md requests: one object per line, read exactly.
//
// Never JSON.parse a request: it reads every number as a double, so an item above 2^53
// comes back silently changed (9007199254740993 becomes 9007199254740992). Here numbers
// are kept as their text (`Num`) and the adapter reads integers with BigInt. Nested values
// are checked and dropped: no field the protocol needs is nested.

/** A number as written: grammar checked, value not. */
export class Num {
  constructor(readonly text: string) {}
}

/** true, false, null, an array or an object. */
export const OTHER = Symbol("other");

export type Value = string | Num | typeof OTHER;

/** Raised when a line is not exactly one JSON object. */
class NotOneObject extends Error {}

function check(ok: boolean): void {
  if (!ok) throw new NotOneObject("not one JSON object");
}

/**
 * The fields of `text` if it is exactly one JSON object, else null. Of a key given twice
 * the last counts (a Map, so that keys such as `__proto__` are plain keys); nesting 128 or
 * more levels deep is refused.
 */
export function parseObject(text: string): Map<string, Value> | null {
  const fields = new Map<string, Value>();
  try {
    const p = new Parser(text);
    p.ws();
    check(p.peek() === "{");
    p.container(1, fields);
    p.ws();
    check(p.i === text.length);
    return fields;
  } catch (error) {
    if (error instanceof NotOneObject) return null;
    throw error;
  }
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  peek(): string {
    return this.i < this.s.length ? this.s[this.i] : "\0"; // NUL is never valid where peeked
  }
  eat(c: string): boolean {
    const hit = this.peek() === c;
    if (hit) this.i++;
    return hit;
  }
  ws(): void {
    while (" \t\n\r".includes(this.peek())) this.i++;
  }

  /** An object or array inside `depth - 1` others; an object's members go into `fields`. */
  container(depth: number, fields: Map<string, Value> | null): void {
    const close = this.eat("{") ? "}" : this.eat("[") ? "]" : "";
    check(close !== "" && depth < 128);
    this.ws();
    if (this.eat(close)) return;
    do {
      if (close === "}") {
        this.ws();
        const key = this.string();
        this.ws();
        check(this.eat(":"));
        const value = this.value(depth);
        fields?.set(key, value);
      } else {
        this.value(depth);
      }
    } while (this.eat(","));
    check(this.eat(close));
  }

  value(depth: number): Value {
    this.ws();
    const c = this.peek();
    let value: Value = OTHER;
    if (c === "{" || c === "[") {
      this.container(depth + 1, null);
    } else if (c === '"') {
      value = this.string();
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      value = this.number();
    } else {
      const word = ["true", "false", "null"].find((w) => this.s.startsWith(w, this.i));
      check(word !== undefined);
      this.i += word!.length;
    }
    this.ws();
    return value;
  }

  digits(): number {
    const start = this.i;
    while (this.peek() >= "0" && this.peek() <= "9") this.i++;
    return this.i - start;
  }

  number(): Num {
    const start = this.i;
    this.eat("-");
    const leadingZero = this.peek() === "0";
    const n = this.digits();
    check(n > 0 && !(leadingZero && n > 1));
    if (this.eat(".")) check(this.digits() > 0);
    if (this.eat("e") || this.eat("E")) {
      if (!this.eat("+")) this.eat("-");
      check(this.digits() > 0);
    }
    const text = this.s.slice(start, this.i);
    check(Number.isFinite(Number(text))); // 1e400 is refused, as the seed oracle does
    return new Num(text);
  }

  hex4(): number {
    const hex = this.s.slice(this.i, this.i + 4);
    check(/^[0-9a-fA-F]{4}$/.test(hex));
    this.i += 4;
    return parseInt(hex, 16);
  }

  string(): string {
    check(this.eat('"'));
    let out = "";
    while (!this.eat('"')) {
      check(this.i + 1 < this.s.length); // room for this character and the closing quote
      const c = this.s[this.i++];
      check(c >= " "); // raw control characters are not JSON
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      const simple = '"\\/bfnrt'.indexOf(e);
      if (simple >= 0) {
        out += '"\\/\b\f\n\r\t'[simple];
        continue;
      }
      check(e === "u");
      const u = this.hex4();
      check(u < 0xdc00 || u > 0xdfff); // a lone low surrogate
      out += String.fromCharCode(u);
      if (u >= 0xd800 && u < 0xdc00) {
        // A high surrogate must be followed by an escaped low one.
        check(this.eat("\\") && this.eat("u"));
        const low = this.hex4();
        check(low >= 0xdc00 && low <= 0xdfff);
        out += String.fromCharCode(low);
      }
    }
    return out;
  }
}

package main

// Just enough JSON for PROTOCOL.md requests: one object per line, read exactly.
// Numbers are kept as their text, so an item is parsed once, as an integer, never
// through a float64 (which would turn 2^53 + 1 into 2^53). encoding/json could do this
// with UseNumber, but not refuse what the protocol refuses (lone surrogates, deep nesting).
// Nested values are checked and dropped: no field the protocol needs is nested.

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

const (
	other  = iota // true, false, null, an array or an object
	str           // text is the decoded string
	number        // text is the number as written: grammar checked, value not
)

type value struct {
	kind int
	text string
}

type parser struct {
	s []byte
	i int
}

// syntaxError is raised (as a panic, recovered by parseObject) when a line is not one object.
type syntaxError struct{}

func check(ok bool) {
	if !ok {
		panic(syntaxError{})
	}
}

// parseObject returns the fields of line (valid UTF-8) if it is exactly one JSON object;
// of a key given twice the last counts; nesting 128 or more levels deep is refused.
func parseObject(line []byte) (fields map[string]value, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isSyntax := r.(syntaxError); !isSyntax {
				panic(r)
			}
			fields, ok = nil, false
		}
	}()
	p := &parser{s: line}
	fields = map[string]value{}
	p.ws()
	check(p.peek() == '{')
	p.container(1, fields)
	p.ws()
	check(p.i == len(p.s))
	return fields, true
}

func (p *parser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0 // never valid where peeked
}

func (p *parser) eat(c byte) bool {
	hit := p.peek() == c
	if hit {
		p.i++
	}
	return hit
}

func (p *parser) ws() {
	for c := p.peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = p.peek() {
		p.i++
	}
}

// container reads an object or array inside depth-1 others; an object's members go to fields.
func (p *parser) container(depth int, fields map[string]value) {
	var end byte = '}'
	if !p.eat('{') {
		check(p.eat('['))
		end = ']'
	}
	check(depth < 128)
	p.ws()
	if p.eat(end) {
		return
	}
	for more := true; more; more = p.eat(',') {
		if end == '}' {
			p.ws()
			key := p.string()
			p.ws()
			check(p.eat(':'))
			v := p.value(depth)
			if fields != nil {
				fields[key] = v
			}
		} else {
			p.value(depth)
		}
	}
	check(p.eat(end))
}

func (p *parser) value(depth int) value {
	p.ws()
	v := value{kind: other}
	switch c := p.peek(); {
	case c == '{' || c == '[':
		p.container(depth+1, nil)
	case c == '"':
		v = value{str, p.string()}
	case c == '-' || (c >= '0' && c <= '9'):
		v = value{number, p.number()}
	default:
		word := ""
		for _, w := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.s[p.i:], []byte(w)) {
				word = w
			}
		}
		check(word != "")
		p.i += len(word)
	}
	p.ws()
	return v
}

func (p *parser) digits() int {
	start := p.i
	for c := p.peek(); c >= '0' && c <= '9'; c = p.peek() {
		p.i++
	}
	return p.i - start
}

func (p *parser) number() string {
	start := p.i
	p.eat('-')
	leadingZero := p.peek() == '0'
	n := p.digits()
	check(n > 0 && !(leadingZero && n > 1))
	if p.eat('.') {
		check(p.digits() > 0)
	}
	if p.eat('e') || p.eat('E') {
		_ = p.eat('+') || p.eat('-')
		check(p.digits() > 0)
	}
	text := string(p.s[start:p.i])
	f, _ := strconv.ParseFloat(text, 64)
	check(!math.IsInf(f, 0)) // 1e400 is refused, as the seed oracle does
	return text
}

func (p *parser) hex4() rune {
	check(len(p.s)-p.i >= 4)
	n, err := strconv.ParseUint(string(p.s[p.i:p.i+4]), 16, 16)
	check(err == nil)
	p.i += 4
	return rune(n)
}

func (p *parser) string() string {
	check(p.eat('"'))
	var out []byte
	for !p.eat('"') {
		check(p.i+1 < len(p.s) && p.s[p.i] >= 0x20) // room for a closing quote; no raw control characters
		c := p.s[p.i]
		p.i++
		if c != '\\' {
			out = append(out, c)
			continue
		}
		e := p.s[p.i]
		p.i++
		if k := strings.IndexByte(`"\/bfnrt`, e); k >= 0 {
			out = append(out, "\"\\/\b\f\n\r\t"[k])
			continue
		}
		check(e == 'u')
		r := p.hex4()
		check(r < 0xDC00 || r > 0xDFFF) // a lone low surrogate
		if utf16.IsSurrogate(r) {
			// A high surrogate must be followed by an escaped low one.
			check(p.eat('\\') && p.eat('u'))
			r = utf16.DecodeRune(r, p.hex4())
			check(r != utf8.RuneError)
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

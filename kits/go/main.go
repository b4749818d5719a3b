// Command queueadapter is a PROTOCOL.md adapter: one JSON request per line on stdin, one
// answer per line on stdout, flushed after each, until stdin ends. The subject is whatever
// implements Port; port.go is a small port of the queue and channel, plugged in by main.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Refusal is an answer {"err": NAME}. A port refuses with the first five; the adapter
// answers the last three, which are about the request, not the subject.
type Refusal string

func (r Refusal) Error() string { return string(r) }

const (
	QueueFull    Refusal = "QueueFull"
	Closed       Refusal = "Closed"
	Full         Refusal = "Full"
	Empty        Refusal = "Empty"
	Disconnected Refusal = "Disconnected"
	BadRequest   Refusal = "BadRequest"
	NoSubject    Refusal = "NoSubject"
	Unsupported  Refusal = "Unsupported"
)

// Port is what a port implements: one subject, a bounded channel and the queue sending
// into it (TrySend is the other producer's send on the same channel).
type Port interface {
	EnqueueOrSend(item int64) error // QueueFull, Closed
	TryDrainOne() (bool, error)     // Closed
	HasPending() bool
	Len() uint64
	TrySend(item int64) error // Full, Closed
	TryRecv() (int64, error)  // Empty, Disconnected
	Close()
	DropReceiver()
	Capacity() uint64
}

// Factory makes a fresh subject: capacity 1 to 2^61 - 1, backlog cap 0 to 2^64 - 1.
type Factory func(capacity, backlogCap uint64) Port

// intText is the text of the integer field name if it is written as one (no fraction, no
// exponent, not -0), else "". It is parsed with strconv, exactly, never through a float64.
func intText(fields map[string]value, name string) string {
	v := fields[name]
	if v.kind != number || v.text == "-0" || strings.ContainsAny(v.text, ".eE") {
		return "" // which strconv refuses
	}
	return v.text
}

// uintField is the integer field name if it lies in [low, high], else BadRequest.
func uintField(fields map[string]value, name string, low, high uint64) (uint64, error) {
	n, err := strconv.ParseUint(intText(fields, name), 10, 64) // a minus sign is an error
	if err != nil || n < low || n > high {
		return 0, BadRequest
	}
	return n, nil
}

// adapter holds the current subject, nil until the first new.
type adapter struct {
	factory Factory
	subject Port
}

// respond is the answer's JSON value to one non-blank line, or the Refusal it gets.
// Request errors go in PROTOCOL.md's order: BadRequest, then NoSubject, then Unsupported.
func (a *adapter) respond(line []byte) (string, error) {
	fields, ok := parseObject(line)
	if !utf8.Valid(line) || !ok || fields["op"].kind != str {
		return "", BadRequest
	}
	op := fields["op"].text
	var item int64
	if op == "enqueue_or_send" || op == "try_send" {
		var err error
		if item, err = strconv.ParseInt(intText(fields, "item"), 10, 64); err != nil {
			return "", BadRequest
		}
	}
	// v2: `send` needs an `item` and `poll`/`cancel` a `task` (read as an item) here.
	if op == "new" {
		capacity, err1 := uintField(fields, "capacity", 1, 1<<61-1)
		backlogCap, err2 := uintField(fields, "cap", 0, math.MaxUint64)
		if err1 != nil || err2 != nil {
			return "", BadRequest
		}
		a.subject = a.factory(capacity, backlogCap)
		return "null", nil
	}
	s := a.subject
	if s == nil {
		return "", NoSubject
	}
	switch op {
	case "enqueue_or_send":
		return "null", s.EnqueueOrSend(item)
	case "try_drain_one":
		sent, err := s.TryDrainOne()
		return strconv.FormatBool(sent), err
	case "has_pending":
		return strconv.FormatBool(s.HasPending()), nil
	case "len":
		return strconv.FormatUint(s.Len(), 10), nil
	case "try_send":
		return "null", s.TrySend(item)
	case "try_recv":
		received, err := s.TryRecv()
		return strconv.FormatInt(received, 10), err
	case "close":
		s.Close()
		return "null", nil
	case "drop_receiver":
		s.DropReceiver()
		return "null", nil
	case "capacity":
		return strconv.FormatUint(s.Capacity(), 10), nil
	// v2 task operations (send, recv, notified, notify_one, poll, cancel) go here.
	default:
		return "", Unsupported
	}
}

// serve answers in until it ends; a port error that is not a Refusal ends the session.
func serve(in io.Reader, out io.Writer, factory Factory) error {
	a := &adapter{factory: factory}
	reader, writer := bufio.NewReader(in), bufio.NewWriter(out)
	for {
		line, readErr := reader.ReadBytes('\n')
		line = bytes.TrimSuffix(line, []byte("\n"))
		if len(bytes.Trim(line, " \t\r")) > 0 { // a blank line is not a request: no answer
			if answer, err := a.respond(line); err == nil {
				fmt.Fprintf(writer, "{\"ok\":%s}\n", answer)
			} else if refusal, ok := err.(Refusal); ok {
				fmt.Fprintf(writer, "{\"err\":%q}\n", string(refusal))
			} else {
				return err
			}
			if err := writer.Flush(); err != nil {
				return err
			}
		}
		if readErr == io.EOF {
			return nil
		} else if readErr != nil {
			return readErr
		}
	}
}

func main() {
	if err := serve(os.Stdin, os.Stdout, NewSubject); err != nil {
		fmt.Fprintln(os.Stderr, "queueadapter:", err)
		os.Exit(1)
	}
}

package main

// A small port of the seed's queue and of tokio 1.24.2's bounded channel (PORTING.md's
// rules), plugged into the adapter by main. Replace it with your own port.

type receiver int

const (
	open receiver = iota
	closed
	dropped
)

// Subject is the channel and the queue sending into it. The channel's buffer grows on
// demand, so a huge capacity costs nothing until it is used.
type Subject struct {
	buffer     []int64
	free       uint64 // slots a sender may still take
	receiver   receiver
	backlog    []int64
	backlogCap uint64
}

// NewSubject is the Factory: an empty channel of capacity slots, an empty backlog.
func NewSubject(capacity, backlogCap uint64) Port {
	return &Subject{free: capacity, backlogCap: backlogCap}
}

func (s *Subject) EnqueueOrSend(item int64) error {
	if len(s.backlog) == 0 {
		if err := s.TrySend(item); err != Full {
			return err // sent, or Closed
		}
	}
	// A non-empty backlog is never bypassed, even with free slots or a closed channel.
	if uint64(len(s.backlog)) >= s.backlogCap {
		return QueueFull
	}
	s.backlog = append(s.backlog, item)
	return nil
}

func (s *Subject) TryDrainOne() (bool, error) {
	if len(s.backlog) == 0 {
		return false, nil
	}
	err := s.TrySend(s.backlog[0])
	if err == Full {
		return false, nil // the item stays at the front
	}
	s.backlog = s.backlog[1:] // sent, or Closed: the front item is lost (rule 11)
	return err == nil, err
}

func (s *Subject) HasPending() bool { return len(s.backlog) > 0 }

func (s *Subject) Len() uint64 { return uint64(len(s.backlog)) }

func (s *Subject) TrySend(item int64) error {
	if s.receiver != open {
		return Closed // closure wins over fullness (rule 12)
	}
	if s.free == 0 {
		return Full
	}
	s.free--
	s.buffer = append(s.buffer, item)
	return nil
}

func (s *Subject) TryRecv() (int64, error) {
	if s.receiver == dropped {
		return 0, Disconnected
	}
	// Closed and empty is Empty, not Disconnected: tokio 1.24.2, senders alive (rule 17).
	if len(s.buffer) == 0 {
		return 0, Empty
	}
	item := s.buffer[0]
	s.buffer = s.buffer[1:]
	s.free++
	return item, nil
}

func (s *Subject) Close() {
	if s.receiver == open {
		s.receiver = closed
	}
}

func (s *Subject) DropReceiver() {
	s.receiver = dropped
	s.free += uint64(len(s.buffer))
	s.buffer = nil
}

func (s *Subject) Capacity() uint64 { return s.free }

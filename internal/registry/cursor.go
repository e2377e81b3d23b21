package registry

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// sortKey is an order of the journal: its columns, which end with the id so that no two rows tie, all
// in one direction, so "after this row" is one row-value comparison that the order's index answers.
type sortKey struct {
	name string
	cols []string
	desc bool
	due  bool // the key starts with the due date
}

var sortKeys = map[string]sortKey{
	SortReceivedDesc: {SortReceivedDesc, []string{"received_at", "id"}, true, false},
	SortReceivedAsc:  {SortReceivedAsc, []string{"received_at", "id"}, false, false},
	SortDueAsc:       {SortDueAsc, []string{"due_date", "received_at", "id"}, false, true},
	SortDueDesc:      {SortDueDesc, []string{"due_date", "received_at", "id"}, true, true},
}

// sortOf is the order a filter names; an unknown one is the default.
func sortOf(name string) sortKey {
	if k, ok := sortKeys[name]; ok {
		return k
	}
	return sortKeys[SortReceivedDesc]
}

// cursor is a row's sort key: the journal continues after it, or, reading back, before it.
type cursor struct {
	before   bool
	due      time.Time
	received time.Time
	id       int64
}

func (c cursor) zero() bool { return c.id == 0 }

// values are the cursor's key in the order's columns.
func (c cursor) values(k sortKey) []any {
	if k.due {
		return []any{c.due, c.received, c.id}
	}
	return []any{c.received, c.id}
}

// at is the cursor at an appeal's row.
func (k sortKey) at(a *Appeal, before bool) cursor {
	return cursor{before: before, due: a.DueDate.UTC(), received: a.ReceivedAt.UTC(), id: a.ID}
}

// cursor is the opaque text of the cursor at an appeal's row: the order's name (a cursor of another order
// is not followed), the direction and the key, in URL-safe base64. It carries no personal data, and a
// forged one only moves the page: the filter still decides what is shown.
func (k sortKey) cursor(a *Appeal, before bool) string {
	c := k.at(a, before)
	dir := "a"
	if before {
		dir = "b"
	}
	raw := strings.Join([]string{k.name, dir, strconv.FormatInt(c.due.Unix(), 10),
		strconv.FormatInt(c.received.UnixNano(), 10), strconv.FormatInt(c.id, 10)}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeCursor reads a cursor of the order; anything else is the zero cursor (the first page): cursors
// come from the journal's own links, so one that cannot be read is not worth a message.
func decodeCursor(s string, k sortKey) cursor {
	if s == "" || len(s) > 200 {
		return cursor{}
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 5 || parts[0] != k.name || parts[1] != "a" && parts[1] != "b" {
		return cursor{}
	}
	due, err1 := strconv.ParseInt(parts[2], 10, 64)
	received, err2 := strconv.ParseInt(parts[3], 10, 64)
	id, err3 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || id <= 0 {
		return cursor{}
	}
	return cursor{before: parts[1] == "b", due: time.Unix(due, 0).UTC(), received: time.Unix(0, received).UTC(), id: id}
}

// JournalCursor is the cursor that continues the journal in the order after the appeal's row: the
// journal opened at an appeal, and the benchmark's deep pages.
func JournalCursor(order string, a *Appeal) string { return sortOf(order).cursor(a, false) }

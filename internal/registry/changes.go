package registry

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/errs"
)

// StatusChange is one status an appeal from a source took, its registration included. A trigger
// writes it in the transaction that changes the appeal (migration 19), so every code path that changes
// a status — the workflow, the import — is in the feed without knowing of it.
type StatusChange struct {
	ID             int64
	TxID           int64 `gorm:"column:txid"` // PostgreSQL: the writing transaction's id; SQLite: 0
	AppealID       int64
	SourceID       int64
	ExternalNumber string
	Status         string
	Result         string
	ChangedAt      time.Time
}

// TableName keeps the table name explicit.
func (StatusChange) TableName() string { return "appeal_status_changes" }

// ChangeCursor is a position in the feed of changes: the last change a reader has seen. The zero
// cursor is the feed's beginning.
type ChangeCursor struct {
	TxID int64
	ID   int64
}

// cursorPrefix versions the cursor's text, so a later scheme can tell old cursors apart.
const cursorPrefix = "c1."

// String is the cursor as a client keeps it: opaque text that only ParseChangeCursor reads.
func (c ChangeCursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(c.TxID, 10) + "." + strconv.FormatInt(c.ID, 10)))
}

// ParseChangeCursor reads a cursor a client sends back; "" is the beginning. Anything the feed never
// gave out is Invalid.
func ParseChangeCursor(s string) (ChangeCursor, error) {
	if s == "" {
		return ChangeCursor{}, nil
	}
	bad := errs.New(errs.Invalid, "api.error.cursor")
	if len(s) > 100 {
		return ChangeCursor{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return ChangeCursor{}, bad
	}
	rest, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return ChangeCursor{}, bad
	}
	tx, id, ok := strings.Cut(rest, ".")
	if !ok {
		return ChangeCursor{}, bad
	}
	var c ChangeCursor
	if c.TxID, err = strconv.ParseInt(tx, 10, 64); err != nil || c.TxID < 0 {
		return ChangeCursor{}, bad
	}
	if c.ID, err = strconv.ParseInt(id, 10, 64); err != nil || c.ID < 0 {
		return ChangeCursor{}, bad
	}
	return c, nil
}

// MaxChanges is the most changes one page of the feed holds.
const MaxChanges = 1000

// ChangesOf returns the status changes of the source's appeals after the cursor, oldest first, at most
// limit of them, and the cursor to ask from next (the given one when there is nothing new).
//
// The order is commit order, so a reader that pages on never misses or repeats a change however
// appeals change meanwhile. SQLite writes one transaction at a time: ids are in commit order. On
// PostgreSQL a sequence's id is not: a transaction holding id 10 may commit after one holding id 11.
// There each change carries its transaction's id, and only changes of transactions older than every
// transaction still running (the snapshot's xmin) are served, in (txid, id) order: a transaction that
// has not committed yet has a txid at or above xmin, and one not yet started will have a larger one, so
// nothing can appear later below a position served. A long transaction delays the feed; it never
// loses a change.
func (s *Service) ChangesOf(ctx context.Context, sourceID int64, after ChangeCursor, limit int) ([]StatusChange, ChangeCursor, error) {
	limit = min(max(limit, 1), MaxChanges)
	q := s.db.WithContext(ctx).Where("source_id = ?", sourceID).
		Where("(txid > ? OR (txid = ? AND id > ?))", after.TxID, after.TxID, after.ID)
	if s.db.Dialector.Name() == "postgres" {
		q = q.Where("txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
	}
	var list []StatusChange
	if err := q.Order("txid, id").Limit(limit).Find(&list).Error; err != nil {
		return nil, after, fmt.Errorf("changes of source %d: %w", sourceID, err)
	}
	next := after
	if n := len(list); n > 0 {
		next = ChangeCursor{TxID: list[n-1].TxID, ID: list[n-1].ID}
	}
	return list, next, nil
}

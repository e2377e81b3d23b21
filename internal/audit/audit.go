// Package audit keeps the append-only log of who did what in the staff area, when and from which
// address: every change and every opening of a card with personal data. It owns the audit_log table.
// There is no update or delete path, and the database refuses both (migration 8).
package audit

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Actor is who acts in a request: the signed-in person (0 for none), or the API token a machine request
// came with (0 for none), and the address the request came from.
type Actor struct {
	PersonID int64
	TokenID  int64
	IP       string
}

type actorKey struct{}

// WithActor returns a context that carries the actor; the web layer sets it once per request.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns the actor the context carries (the zero Actor for background work).
func ActorOf(ctx context.Context) Actor {
	a, _ := ActorIn(ctx)
	return a
}

// ActorIn returns the actor and whether the context carries one at all: every request does (a visitor
// who is not signed in is an actor without a person); background work and commands do not.
func ActorIn(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// Entry is one line of the log.
type Entry struct {
	ID            int64
	OccurredAt    time.Time
	ActorPersonID *int64
	ActorTokenID  *int64 // a machine request's API token (the machine API, Open311)
	IP            string `gorm:"column:ip"`
	Action        string // what was done: appeal.assign, appeal.view, ...
	ObjectType    string // appeal, petition, department, person, ...
	ObjectID      *int64
	Detail        string
}

// TableName keeps the table name explicit.
func (Entry) TableName() string { return "audit_log" }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Entry{}} }

// Record appends an entry in the caller's transaction (tx), so a change and its log line commit or roll
// back together. The actor comes from ctx.
func Record(ctx context.Context, tx *gorm.DB, action, objectType string, objectID int64, detail string) error {
	a := ActorOf(ctx)
	e := Entry{OccurredAt: time.Now().UTC(), IP: a.IP, Action: action, ObjectType: objectType, Detail: detail}
	if a.PersonID != 0 {
		e.ActorPersonID = &a.PersonID
	}
	if a.TokenID != 0 {
		e.ActorTokenID = &a.TokenID
	}
	if objectID != 0 {
		e.ObjectID = &objectID
	}
	if err := tx.WithContext(ctx).Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Filter selects log lines; zero fields select everything.
type Filter struct {
	From, To   time.Time // occurred_at ≥ From and < To
	ActorID    int64
	Action     string // exact action, or a prefix ending in a dot
	ObjectType string
	ObjectID   int64
	Page       int // from 1
}

// PageSize is the number of log lines on a page.
const PageSize = 100

// Service reads the log.
type Service struct {
	db *gorm.DB
}

// NewService builds the reader.
func NewService(db *gorm.DB) *Service { return &Service{db: db} }

// List returns a page of the log, newest first, and the number of matching lines.
func (s *Service) List(ctx context.Context, f Filter) ([]Entry, int64, error) {
	q := s.db.WithContext(ctx).Model(&Entry{})
	if !f.From.IsZero() {
		q = q.Where("occurred_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("occurred_at < ?", f.To)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_person_id = ?", f.ActorID)
	}
	switch {
	case f.Action == "":
	case f.Action[len(f.Action)-1] == '.':
		q = q.Where("action LIKE ?", f.Action+"%")
	default:
		q = q.Where("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != 0 {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count audit log: %w", err)
	}
	page := max(f.Page, 1)
	var list []Entry
	if err := q.Order("occurred_at DESC, id DESC").Offset((page - 1) * PageSize).Limit(PageSize).Find(&list).Error; err != nil {
		return nil, 0, fmt.Errorf("list audit log: %w", err)
	}
	return list, total, nil
}

// Opened records that the actor opened a page with personal data that changes nothing (e.g. a
// petition's staff page with its author's contacts): a line of its own, outside any change.
func (s *Service) Opened(ctx context.Context, objectType string, objectID int64, detail string) error {
	return Record(ctx, s.db, objectType+".view", objectType, objectID, detail)
}

package web

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// sessionRow is one server-side session; every instance reads the same table.
type sessionRow struct {
	ID        string `gorm:"primaryKey"`
	Data      []byte
	ExpiresAt *time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&sessionRow{}} }

// SessionStorage is fiber.Storage over the sessions table, so Fiber's session middleware keeps its
// data in the database and any instance can serve any request.
type SessionStorage struct {
	db *gorm.DB
}

// NewSessionStorage returns the storage.
func NewSessionStorage(db *gorm.DB) *SessionStorage { return &SessionStorage{db: db} }

// Get returns nil, nil for a missing or expired session, as fiber.Storage requires.
func (s *SessionStorage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	var row sessionRow
	err := s.db.Where("id = ? AND (expires_at IS NULL OR expires_at > ?)", key, time.Now().UTC()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row.Data, nil
}

// Set stores the value; exp 0 means no expiry.
func (s *SessionStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	row := sessionRow{ID: key, Data: val}
	if exp > 0 {
		t := time.Now().UTC().Add(exp)
		row.ExpiresAt = &t
	}
	return s.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expires_at"}),
	}).Create(&row).Error
}

// Delete removes the session.
func (s *SessionStorage) Delete(key string) error {
	return s.db.Where("id = ?", key).Delete(&sessionRow{}).Error
}

// Reset removes every session: everybody is signed out.
func (s *SessionStorage) Reset() error {
	return s.db.Where("1 = 1").Delete(&sessionRow{}).Error
}

// Close is a no-op: the database pool belongs to the program.
func (s *SessionStorage) Close() error { return nil }

// DeleteExpired removes expired sessions; every instance may run it, it is idempotent.
func (s *SessionStorage) DeleteExpired(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", time.Now().UTC()).Delete(&sessionRow{})
	return res.RowsAffected, res.Error
}

// CollectExpired deletes expired sessions every interval until ctx ends.
func (s *SessionStorage) CollectExpired(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.DeleteExpired(ctx); err != nil {
				log.Warn("deleting expired sessions", "err", err)
			} else if n > 0 {
				log.Debug("deleted expired sessions", "count", n)
			}
		}
	}
}

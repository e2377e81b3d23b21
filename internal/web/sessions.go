package web

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// kvRow is one entry of a key-value table: sessions, rate-limit counters. Every instance reads the same
// tables, so state shared by several instances lives here, never in memory.
type kvRow struct {
	ID        string `gorm:"primaryKey"`
	Data      []byte
	ExpiresAt *time.Time
}

type sessionRow kvRow

func (sessionRow) TableName() string { return "sessions" }

type rateLimitRow kvRow

func (rateLimitRow) TableName() string { return "rate_limits" }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&sessionRow{}, &rateLimitRow{}} }

// DBStorage is fiber.Storage over a key-value table, so Fiber's session and limiter middleware keep
// their state in the database and any instance can serve any request.
type DBStorage struct {
	db    *gorm.DB
	table string
}

// SessionStorage is the storage of sessions.
type SessionStorage = DBStorage

// NewSessionStorage returns the storage of sessions.
func NewSessionStorage(db *gorm.DB) *DBStorage { return &DBStorage{db: db, table: "sessions"} }

// NewRateLimitStorage returns the storage of rate-limit counters.
func NewRateLimitStorage(db *gorm.DB) *DBStorage {
	return &DBStorage{db: db, table: "rate_limits"}
}

func (s *DBStorage) q() *gorm.DB { return s.db.Table(s.table) }

// Get returns nil, nil for a missing or expired entry, as fiber.Storage requires.
func (s *DBStorage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	var row kvRow
	err := s.q().Where("id = ? AND (expires_at IS NULL OR expires_at > ?)", key, time.Now().UTC()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row.Data, nil
}

// Set stores the value; exp 0 means no expiry.
func (s *DBStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	row := kvRow{ID: key, Data: val}
	if exp > 0 {
		t := time.Now().UTC().Add(exp)
		row.ExpiresAt = &t
	}
	return s.q().Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expires_at"}),
	}).Create(&row).Error
}

// Delete removes the entry.
func (s *DBStorage) Delete(key string) error {
	return s.q().Where("id = ?", key).Delete(&kvRow{}).Error
}

// Reset removes every entry (for sessions: everybody is signed out).
func (s *DBStorage) Reset() error {
	return s.q().Where("1 = 1").Delete(&kvRow{}).Error
}

// Close is a no-op: the database pool belongs to the program.
func (s *DBStorage) Close() error { return nil }

// DeleteExpired removes expired entries; every instance may run it, it is idempotent.
func (s *DBStorage) DeleteExpired(ctx context.Context) (int64, error) {
	res := s.q().WithContext(ctx).Where("expires_at <= ?", time.Now().UTC()).Delete(&kvRow{})
	return res.RowsAffected, res.Error
}

// CollectExpired deletes expired entries every interval until ctx ends.
func (s *DBStorage) CollectExpired(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.DeleteExpired(ctx); err != nil {
				log.Warn("deleting expired entries", "table", s.table, "err", err)
			} else if n > 0 {
				log.Debug("deleted expired entries", "table", s.table, "count", n)
			}
		}
	}
}

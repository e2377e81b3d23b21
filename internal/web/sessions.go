package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/ratelimit"
)

// kvRow is one entry of a key-value table: sessions, rate-limit counters. Every instance reads the same
// tables, so state shared by several instances lives here, never in memory.
type kvRow struct {
	ID        string `gorm:"primaryKey"`
	Data      []byte
	ExpiresAt *time.Time
}

// sessionRow is a session: beside the data Fiber keeps, when it began (the absolute lifetime counts from
// there) and whose it is once signed in (to end all of a person's sessions).
type sessionRow struct {
	ID        string `gorm:"primaryKey"`
	Data      []byte
	ExpiresAt *time.Time
	CreatedAt time.Time
	PersonID  *int64
}

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
	// Sessions only: a read that finds less than lifetime-renewEvery left moves the expiry to
	// now+lifetime, so a session lasts its lifetime after the last request, at the cost of at most one
	// write per renewEvery (the session itself is written only when its data changes).
	lifetime, renewEvery time.Duration
	// Sessions only: however active, a session ends maxAge after it began (created_at).
	maxAge time.Duration
}

// SessionStorage is the storage of sessions.
type SessionStorage = DBStorage

// NewSessionStorage returns the storage of sessions that expire lifetime after the last request, and
// maxAge after they began whatever happens.
func NewSessionStorage(db *gorm.DB, lifetime, maxAge time.Duration) *DBStorage {
	// Within 5 % of the lifetime (10 minutes at most): 12 hours is 11 h 50 min to 12 h after the last request.
	return &DBStorage{db: db, table: "sessions", lifetime: lifetime, renewEvery: min(10*time.Minute, lifetime/20),
		maxAge: maxAge}
}

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
	now := time.Now().UTC()
	err := s.live(s.q(), key, now).Select("data", "expires_at").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row.Data, s.renew(context.Background(), key, row.ExpiresAt, now)
}

// live narrows q to the entry key while it lasts: not expired, and for sessions not older than maxAge.
func (s *DBStorage) live(q *gorm.DB, key string, now time.Time) *gorm.DB {
	t := s.table + "."
	q = q.Where(t+"id = ? AND ("+t+"expires_at IS NULL OR "+t+"expires_at > ?)", key, now)
	if s.maxAge > 0 {
		q = q.Where(t+"created_at > ?", now.Add(-s.maxAge)) // however active
	}
	return q
}

// renew moves a session's expiry to now+lifetime once less than lifetime-renewEvery is left.
func (s *DBStorage) renew(ctx context.Context, key string, expires *time.Time, now time.Time) error {
	if s.lifetime > 0 && expires != nil && expires.Sub(now) < s.lifetime-s.renewEvery {
		return s.q().WithContext(ctx).Where("id = ?", key).Update("expires_at", now.Add(s.lifetime)).Error
	}
	return nil
}

// visit is a session as loadVisitor reads it: its data and the person the row names, with their roles.
type visit struct {
	SessionData      []byte
	SessionExpiresAt *time.Time
	identity.WithRoles
}

// Visit reads the live session key together with the person its row names and their roles: one query
// for what every request of a signed-in person needs (it was three: session, person, roles). found is
// false for a missing or ended session; the expiry moves as Get moves it.
func (s *DBStorage) Visit(ctx context.Context, key string) (v visit, found bool, err error) {
	if key == "" {
		return v, false, nil
	}
	now := time.Now().UTC()
	q := identity.JoinPerson(s.live(s.q().WithContext(ctx), key, now), "sessions.person_id",
		"sessions.data AS session_data", "sessions.expires_at AS session_expires_at")
	err = q.Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	return v, true, s.renew(ctx, key, v.SessionExpiresAt, now)
}

// readOnce is the session storage for one request whose session loadVisitor has read already (Visit):
// the session store's read of that session is answered from the row, everything else goes to the table.
type readOnce struct {
	*DBStorage
	key  string
	data []byte // nil: no live session under key
	read bool
}

func (r *readOnce) Get(key string) ([]byte, error) {
	if key == r.key && !r.read {
		r.read = true // once: a later read in this request (after a save) sees the table
		return r.data, nil
	}
	return r.DBStorage.Get(key)
}

// Set stores the value; exp 0 means no expiry.
func (s *DBStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	now := time.Now().UTC()
	var expires *time.Time
	if exp > 0 {
		t := now.Add(exp)
		expires = &t
	}
	updates := clause.AssignmentColumns([]string{"data", "expires_at"})
	if s.maxAge == 0 {
		return s.q().Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: updates}).
			Create(&kvRow{ID: key, Data: val, ExpiresAt: expires}).Error
	}
	// A new session begins now; saving a live one keeps its beginning and its person. A row that has
	// ended (idle or too old) but is not collected yet is a new session under the same id: Fiber keeps
	// the cookie's id for the fresh session it starts when the stored one is gone.
	ended := gorm.Expr("sessions.expires_at <= ? OR sessions.created_at <= ?", now, now.Add(-s.maxAge))
	updates = append(updates,
		clause.Assignment{Column: clause.Column{Name: "created_at"},
			Value: gorm.Expr("CASE WHEN ? THEN excluded.created_at ELSE sessions.created_at END", ended)},
		clause.Assignment{Column: clause.Column{Name: "person_id"},
			Value: gorm.Expr("CASE WHEN ? THEN NULL ELSE sessions.person_id END", ended)})
	return s.q().Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: updates}).
		Create(&sessionRow{ID: key, Data: val, ExpiresAt: expires, CreatedAt: now}).Error
}

// SetPerson records whose session key is, at sign-in.
func (s *DBStorage) SetPerson(ctx context.Context, key string, personID int64) error {
	res := s.q().WithContext(ctx).Where("id = ?", key).Update("person_id", personID)
	if res.Error == nil && res.RowsAffected != 1 {
		return fmt.Errorf("session of person %d: %d rows", personID, res.RowsAffected)
	}
	return res.Error
}

// DeletePerson ends every session of the person, on every device.
func (s *DBStorage) DeletePerson(ctx context.Context, personID int64) (int64, error) {
	res := s.q().WithContext(ctx).Where("person_id = ?", personID).Delete(&sessionRow{})
	return res.RowsAffected, res.Error
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
	now := time.Now().UTC()
	q := s.q().WithContext(ctx).Where("expires_at <= ?", now)
	if s.maxAge > 0 {
		q = q.Or("created_at <= ?", now.Add(-s.maxAge))
	}
	res := q.Delete(&kvRow{})
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

// Counter names one rate-limit counter: a key (an account, an address) and the length of its window.
type Counter struct {
	Key    string
	Window time.Duration
}

// Hit counts one event on each counter in its current fixed window and returns, in the same order, how
// many events each window has counted, this one included, and when each window ends: one atomic
// statement (ratelimit.Hit).
func (s *DBStorage) Hit(ctx context.Context, counters ...Counter) ([]int, []time.Time, error) {
	now := time.Now().UTC()
	rc := make([]ratelimit.Counter, len(counters))
	ends := make([]time.Time, len(counters))
	for i, c := range counters {
		rc[i] = ratelimit.At(c.Key, c.Window, 0, now)
		ends[i] = rc[i].Ends
	}
	hits, err := ratelimit.Hit(ctx, s.db, rc...)
	if err != nil {
		return nil, nil, err
	}
	return hits, ends, nil
}

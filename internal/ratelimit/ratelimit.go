// Package ratelimit counts events in fixed windows in the rate_limits table, which every instance
// shares: the counts are exact across instances and nothing is locked in the process. The web layer
// counts a route's limits before its handler runs (web.Server.RateLimit); a domain statement may count
// them itself in the round trip of its own write (petition signing), so this package needs no Fiber.
package ratelimit

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/db"
)

// Counter is one limit as it stands for an event now: the row that counts its key in the current
// window, when that window ends, and the most events the window may count.
type Counter struct {
	ID   string
	Ends time.Time
	Max  int
}

// At is the counter of key in the fixed window of the given length that holds now.
func At(key string, window time.Duration, max int, now time.Time) Counter {
	start := now.Truncate(window)
	return Counter{ID: key + "|" + window.String() + "|" + strconv.FormatInt(start.Unix(), 10),
		Ends: start.Add(window), Max: max}
}

// Over is the refusal of an event that went over a limit: it may be tried again at Until.
type Over struct{ Until time.Time }

func (o *Over) Error() string { return "over the rate limit until " + o.Until.Format(time.RFC3339) }

// Check returns *Over for the first counter whose count went over its most, nil when none did.
func Check(counters []Counter, hits []int) error {
	for i, c := range counters {
		if hits[i] > c.Max {
			return &Over{Until: c.Ends}
		}
	}
	return nil
}

// Hit counts one event on each counter in its window and returns, in the same order, how many events
// each window has counted, this one included. It runs on q: the pool, or a transaction that writes
// more (SQLite's signing).
//
// It is one atomic statement for all the counters, so instances sharing the database never lose each
// other's counts and nothing is locked in this process. (Fiber's limiter, used before, read and then
// wrote each counter under a process-wide mutex: every request waited for the database round trips of
// all the others, and two instances could still overwrite each other's counts.) The rows are locked in
// the order given: callers pass their counters in one fixed order, so no two statements wait for each
// other crosswise, with the one most requests share (an address) last, so its lock is held shortest.
func Hit(ctx context.Context, q *gorm.DB, counters ...Counter) ([]int, error) {
	if len(counters) == 0 {
		return nil, nil
	}
	values := make([]string, 0, len(counters))
	args := make([]any, 0, 3*len(counters))
	for i, c := range counters {
		if slices.ContainsFunc(counters[:i], func(o Counter) bool { return o.ID == c.ID }) {
			continue // the same counter twice counts once
		}
		values = append(values, "(?, ?, ?)")
		args = append(args, c.ID, []byte("1"), c.Ends)
	}
	// The count is kept as decimal digits in the data column (the table began as Fiber's storage).
	incr := "convert_to((convert_from(rate_limits.data, 'UTF8')::bigint + 1)::text, 'UTF8')"
	if db.Dialect(q) == db.SQLite {
		incr = "CAST(CAST(rate_limits.data AS INTEGER) + 1 AS BLOB)"
	}
	res, err := q.WithContext(ctx).Raw("INSERT INTO rate_limits (id, data, expires_at) VALUES "+strings.Join(values, ", ")+
		" ON CONFLICT (id) DO UPDATE SET data = "+incr+" RETURNING id, data", args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("rate limits: %w", err)
	}
	defer res.Close()
	counts := map[string]int{}
	for res.Next() {
		var id string
		var data []byte
		if err := res.Scan(&id, &data); err != nil {
			return nil, fmt.Errorf("rate limits: %w", err)
		}
		if counts[id], err = strconv.Atoi(string(data)); err != nil {
			return nil, fmt.Errorf("rate limit %s: counter %q: %w", id, data, err)
		}
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("rate limits: %w", err)
	}
	hits := make([]int, len(counters))
	for i, c := range counters {
		hits[i] = counts[c.ID]
	}
	return hits, nil
}

// Array is a PostgreSQL array literal of the strings, for a statement that takes the counters as arrays
// (GORM would spread a slice argument into a list).
func Array(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = `"` + arrayEscaper.Replace(s) + `"`
	}
	return "{" + strings.Join(quoted, ",") + "}"
}

// arrayEscaper escapes an element of a quoted array literal (built once: a Replacer builds its tables on
// first use).
var arrayEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

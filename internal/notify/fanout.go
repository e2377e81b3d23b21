package notify

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/db"
)

// fanoutBatch is how many notices one transaction of a fan-out writes.
const fanoutBatch = 1000

// FanoutFunc returns the next page of notices of a fan-out after the cursor, and the cursor to continue
// from (0 when this page was the last). It runs inside the job's transaction.
type FanoutFunc func(ctx context.Context, tx *gorm.DB, key, after int64, batch int) ([]Notice, int64, error)

type fanouts struct {
	mu sync.RWMutex
	m  map[string]FanoutFunc
}

// RegisterFanout names a source of many notices (say, every signatory of a petition); call it before
// Start.
func (s *Service) RegisterFanout(name string, fn FanoutFunc) {
	s.fanouts.mu.Lock()
	defer s.fanouts.mu.Unlock()
	if s.fanouts.m == nil {
		s.fanouts.m = map[string]FanoutFunc{}
	}
	s.fanouts.m[name] = fn
}

// Fanout starts, inside tx, a background job that writes the notices of the named source for key in
// batches: a web request never waits for a hundred thousand messages.
func (s *Service) Fanout(ctx context.Context, tx *gorm.DB, name string, key int64) error {
	stx, err := db.SQLTx(tx)
	if err != nil {
		return err
	}
	_, err = s.queue.InsertTx(ctx, stx, fanoutArgs{Source: name, Key: key}, nil)
	return err
}

type fanoutArgs struct {
	Source string `json:"source"`
	Key    int64  `json:"key"`
	After  int64  `json:"after"`
}

func (fanoutArgs) Kind() string { return "notice_fanout" }

type fanoutWorker struct {
	river.WorkerDefaults[fanoutArgs]
	s *Service
}

// Work writes one batch and queues the next. The job is completed in the same transaction as its batch,
// so a crash either loses the whole batch (and the job runs again) or keeps it and the job is done: no
// batch is written twice.
func (w *fanoutWorker) Work(ctx context.Context, job *river.Job[fanoutArgs]) error {
	s := w.s
	s.fanouts.mu.RLock()
	fn := s.fanouts.m[job.Args.Source]
	s.fanouts.mu.RUnlock()
	if fn == nil {
		return fmt.Errorf("no fan-out named %q", job.Args.Source)
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		notices, next, err := fn(ctx, tx, job.Args.Key, job.Args.After, fanoutBatch)
		if err != nil {
			return err
		}
		if err := s.NotifyMany(ctx, tx, notices); err != nil {
			return err
		}
		stx, err := db.SQLTx(tx)
		if err != nil {
			return err
		}
		if next != 0 {
			if _, err := s.queue.InsertTx(ctx, stx, fanoutArgs{Source: job.Args.Source, Key: job.Args.Key, After: next}, nil); err != nil {
				return err
			}
		}
		return completeInTx(ctx, db.Dialect(s.db), stx, job)
	})
}

func completeInTx(ctx context.Context, dialect string, tx *sql.Tx, job *river.Job[fanoutArgs]) error {
	var err error
	switch dialect {
	case db.Postgres:
		_, err = river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx, job)
	case db.SQLite:
		_, err = river.JobCompleteTx[*riversqlite.Driver](ctx, tx, job)
	default:
		err = fmt.Errorf("no job queue driver for %q", dialect)
	}
	return err
}

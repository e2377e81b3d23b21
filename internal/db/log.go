package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/hromada/hromada/internal/logs"
)

// sqlLog is GORM's logger: a failed statement is logged at error level and one slower than slow at
// warn level, with its SQL text and without its values, which hold names, addresses, texts and keys.
//
// It implements gorm.ParamsFilter itself: GORM asks the logger (db.Logger.(gorm.ParamsFilter)) whether
// to drop the values before it renders a statement for the log. A wrapper that embedded GORM's own
// logger hid that method, so ParameterizedQueries did nothing and every slow statement was written
// with its values in place. The SQL text is rendered only for a statement that will be logged.
type sqlLog struct {
	log   *slog.Logger
	level logger.LogLevel
	slow  time.Duration
}

var _ gorm.ParamsFilter = sqlLog{}

// Scan and Pluck over Raw SQL record their statement through GORM's trace recorder, not through the
// logger above, and hand that text to the logger; the recorder keeps the values unless this hook,
// which GORM provides for the purpose, drops them. It is process-wide, as the recorder is.
func init() {
	logger.RecorderParamsFilter = func(_ context.Context, sql string, _ ...any) (string, []any) { return sql, nil }
}

// pgPlaceholder is how GORM renders PostgreSQL's $1 when it has no value to put there: "$1$".
var pgPlaceholder = regexp.MustCompile(`\$([0-9]+)\$`)

func (l sqlLog) LogMode(level logger.LogLevel) logger.Interface {
	l.level = level
	return l
}

// ParamsFilter drops every statement's values before GORM renders it for the log.
func (sqlLog) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) { return sql, nil }

func (l sqlLog) Info(ctx context.Context, msg string, data ...any) {
	l.print(ctx, logger.Info, slog.LevelInfo, msg, data)
}

func (l sqlLog) Warn(ctx context.Context, msg string, data ...any) {
	l.print(ctx, logger.Warn, slog.LevelWarn, msg, data)
}

func (l sqlLog) Error(ctx context.Context, msg string, data ...any) {
	l.print(ctx, logger.Error, slog.LevelError, msg, data)
}

// print writes one of GORM's own messages; errors among its arguments lose their values.
func (l sqlLog) print(ctx context.Context, at logger.LogLevel, level slog.Level, msg string, data []any) {
	if l.level < at {
		return
	}
	args := make([]any, len(data))
	for i, d := range data {
		if err, ok := d.(error); ok {
			d = logs.SafeError(err)
		}
		args[i] = d
	}
	l.log.Log(ctx, level, "gorm: "+logs.Scrub(fmt.Sprintf(msg, args...)))
}

func (l sqlLog) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if l.level <= logger.Silent {
		return
	}
	elapsed := time.Since(begin)
	failed := err != nil && !errors.Is(err, gorm.ErrRecordNotFound)
	level := slog.LevelWarn
	switch {
	case failed && l.level >= logger.Error:
		level = slog.LevelError
	case elapsed > l.slow && l.level >= logger.Warn:
	case l.level >= logger.Info:
		level = slog.LevelInfo
	default:
		return
	}
	if !l.log.Enabled(ctx, level) {
		return
	}
	sql, rows := fc()
	sql = pgPlaceholder.ReplaceAllString(sql, "$$$1")
	attrs := []any{"duration_ms", float64(elapsed.Microseconds()) / 1000, "sql", sql, "rows", rows}
	if failed {
		attrs = append(attrs, "err", logs.SafeError(err))
	}
	l.log.Log(ctx, level, "SQL", attrs...)
}

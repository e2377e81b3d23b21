// Package logs builds Hromada's structured logger and keeps personal data out of what it writes.
//
// The policy: our own log lines carry ids, codes, counts and durations, never names, addresses, phones,
// e-mails, tax numbers, appeal texts or tokens; SQL is logged as its text without values; request lines
// have no query strings. Error texts are the way values slip in unseen, because drivers and servers put
// them there: PostgreSQL's messages quote the offending value ("invalid input syntax for type integer:
// "…""), an SMTP server's answer names the recipient. Redact rewrites every error a log line carries
// into a text without them, and takes e-mail addresses out of every string, whoever logs it (our code,
// GORM, River).
package logs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// New returns the program's logger writing to w at level (debug, info, warn, error) in format (text,
// json), with Redact in front.
func New(w io.Writer, level, format string) *slog.Logger {
	lv := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[level]
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(Redact(h))
}

// Redacted returns log with Redact in front of its handler (log itself when it is there already).
func Redacted(log *slog.Logger) *slog.Logger {
	if _, ok := log.Handler().(*redactor); ok {
		return log
	}
	return slog.New(Redact(log.Handler()))
}

// Redact wraps h so that every error value is written as SafeError's text and every string, the
// message included, without e-mail addresses.
func Redact(h slog.Handler) slog.Handler {
	if r, ok := h.(*redactor); ok {
		return r
	}
	return &redactor{next: h}
}

type redactor struct{ next slog.Handler }

func (r *redactor) Enabled(ctx context.Context, level slog.Level) bool {
	return r.next.Enabled(ctx, level)
}

func (r *redactor) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, Scrub(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.next.Handle(ctx, out)
}

func (r *redactor) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redactAttr(a)
	}
	return &redactor{next: r.next.WithAttrs(clean)}
}

func (r *redactor) WithGroup(name string) slog.Handler {
	return &redactor{next: r.next.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Scrub(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = redactAttr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, SafeError(x))
		case fmt.Stringer:
			return slog.String(a.Key, Scrub(x.String()))
		case []string:
			clean := make([]string, len(x))
			for i, s := range x {
				clean[i] = Scrub(s)
			}
			return slog.Any(a.Key, clean)
		case []int, []int64:
			return slog.Attr{Key: a.Key, Value: v}
		default:
			// Anything else (a panic's value, a struct) is written as fmt would, then scrubbed.
			return slog.String(a.Key, Scrub(fmt.Sprint(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// SafeError is err's text without the values a database or mail server may have put in it: a
// PostgreSQL error is replaced by its SQLSTATE, the constraint, table and column it names, and its
// message only in the classes whose messages name objects rather than quote data; e-mail addresses
// are taken out of the rest. SQLite's messages name tables, columns and constraints, never values.
func SafeError(err error) string {
	if err == nil {
		return ""
	}
	text := err.Error()
	var unplaced []string
	for _, pe := range pgErrors(err, nil) {
		safe := describePg(pe)
		if whole := pe.Error(); strings.Contains(text, whole) {
			text = strings.ReplaceAll(text, whole, safe)
		} else {
			unplaced = append(unplaced, safe)
		}
	}
	if len(unplaced) > 0 {
		// Wrapped in a way that hides where its text is: only what is known to be safe.
		return strings.Join(unplaced, "; ")
	}
	return Scrub(text)
}

// pgErrors collects every PostgreSQL error in err's tree (wrapped and joined alike).
func pgErrors(err error, found []*pgconn.PgError) []*pgconn.PgError {
	if pe, ok := err.(*pgconn.PgError); ok {
		return append(found, pe)
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			found = pgErrors(e, found)
		}
	case interface{ Unwrap() error }:
		if e := u.Unwrap(); e != nil {
			found = pgErrors(e, found)
		}
	}
	return found
}

// Classes of SQLSTATE whose messages name objects, settings or states, never a row's values:
// connection (08), transaction state (25, 40), authorisation (28), syntax and access rules (42),
// resources (53, 54), object state (55), operator intervention (57), system (58). Data exceptions (22)
// and integrity violations (23) quote values and keep only their code and names.
var pgMessageSafe = map[string]bool{"08": true, "25": true, "28": true, "40": true, "42": true,
	"53": true, "54": true, "55": true, "57": true, "58": true}

func describePg(pe *pgconn.PgError) string {
	var b strings.Builder
	b.WriteString("database error SQLSTATE ")
	b.WriteString(pe.Code)
	if len(pe.Code) >= 2 && pgMessageSafe[pe.Code[:2]] {
		b.WriteString(": ")
		b.WriteString(pe.Message)
	}
	for _, f := range []struct{ name, value string }{
		{"constraint", pe.ConstraintName}, {"table", pe.TableName}, {"column", pe.ColumnName},
	} {
		if f.value != "" {
			fmt.Fprintf(&b, " %s=%s", f.name, f.value)
		}
	}
	return b.String()
}

// emailPattern finds e-mail addresses in free text: a local part, @, a domain with a dot.
var emailPattern = regexp.MustCompile(`[^\s@<>()\[\],;:"'=]+@[^\s@<>()\[\],;:"'=]+\.[^\s@<>()\[\],;:"'=]+`)

// Scrub replaces e-mail addresses in s with "[e-mail]".
func Scrub(s string) string {
	if strings.IndexByte(s, '@') < 0 {
		return s
	}
	return emailPattern.ReplaceAllString(s, "[e-mail]")
}

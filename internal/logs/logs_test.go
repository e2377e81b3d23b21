package logs_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hromada/hromada/internal/logs"
)

func TestRedactedErrorsAndStrings(t *testing.T) {
	var buf bytes.Buffer
	log := logs.Redacted(slog.New(slog.NewTextHandler(&buf, nil)))
	if logs.Redacted(log) != log {
		t.Error("Redacted must not wrap twice")
	}
	value := &pgconn.PgError{Severity: "ERROR", Code: "22P02", Message: `invalid input syntax for type integer: "Загорулько"`}
	unique := &pgconn.PgError{Severity: "ERROR", Code: "23505", Message: `duplicate key value violates unique constraint "persons_email"`,
		Detail: "Key (email)=(zahorulko@mail.example) already exists.", ConstraintName: "persons_email", TableName: "persons"}
	denied := &pgconn.PgError{Severity: "ERROR", Code: "42501", Message: "permission denied for table audit_log"}
	smtp := errors.New("failed to send mail: 550 5.1.1 mailbox unavailable, affected recipient(s): zahorulko@mail.example")

	log.Error("sign-in failed", "err", fmt.Errorf("rate limits: %w", value))
	log.With("err", unique).Warn("at start")
	log.Error("denied", "err", denied)
	log.Warn("e-mail not sent", "err", smtp, "to", "<zahorulko@mail.example>", "codes", []string{"x@mail.example"})
	log.WithGroup("g").Info("grouped", slog.Group("inner", "err", value))
	log.Info("message with zahorulko@mail.example inside")
	log.Error("joined", "err", errors.Join(fmt.Errorf("first: %w", value), unique))
	log.Error("reworded", "err", reworded{unique})

	out := buf.String()
	for _, bad := range []string{"Загорулько", "zahorulko@mail.example", "Key (email)"} {
		if strings.Contains(out, bad) {
			t.Errorf("the log carries %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{
		`err="rate limits: database error SQLSTATE 22P02"`,
		`err="database error SQLSTATE 23505 constraint=persons_email table=persons"`,
		`err="database error SQLSTATE 42501: permission denied for table audit_log"`, // names objects only: kept
		`affected recipient(s): [e-mail]"`,
		`to=<[e-mail]>`,
		`codes=[[e-mail]]`,
		`g.inner.err="database error SQLSTATE 22P02"`,
		`msg="message with [e-mail] inside"`,
		`err="first: database error SQLSTATE 22P02\ndatabase error SQLSTATE 23505 constraint=persons_email table=persons"`,
		`msg=reworded err="database error SQLSTATE 23505 constraint=persons_email table=persons"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
}

// reworded wraps a PostgreSQL error under a text of its own that quotes the error's detail.
type reworded struct{ pe *pgconn.PgError }

func (r reworded) Error() string { return "could not save: " + r.pe.Detail }
func (r reworded) Unwrap() error { return r.pe }

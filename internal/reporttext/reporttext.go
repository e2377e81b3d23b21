// Package reporttext keeps the prose of the quarterly report that no figure can write: the opening of
// part I.1 and parts I.2 (methodical work), I.3 (organisational work) and I.4 (novelties), typed by the
// appeals department for a period on /admin/report. It owns the report_texts table (migration 23).
//
// Texts are versioned, never overwritten: every save of a changed part is a new row with the next version
// number, the document takes the latest, the page lists the earlier ones with who saved them and when,
// and every save is written to the audit log in the same transaction. A save of an unchanged part adds
// nothing, so the history holds only real changes.
package reporttext

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/report"
)

// MaxChars bounds one part's text: the seed's longest part is about 2,500 characters.
const MaxChars = 20000

// Text is one version of one part's text for one period.
type Text struct {
	ID         int64
	PeriodFrom string // YYYY-MM-DD, as report.Period names it
	PeriodTo   string
	Part       string // one of report.Parts
	Version    int
	Body       string
	AuthorID   *int64 // who saved it; nil once the person is gone
	CreatedAt  time.Time
}

// TableName keeps the table name explicit.
func (Text) TableName() string { return "report_texts" }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Text{}} }

// Service reads and saves the texts.
type Service struct {
	db  *gorm.DB
	now func() time.Time
}

// NewService keeps the texts in db.
func NewService(db *gorm.DB) *Service { return &Service{db: db, now: time.Now} }

// History is every version of every part for one period, the newest first within a part.
type History map[string][]Text

// Latest is the newest version of each part that has one.
func (h History) Latest() map[string]string {
	out := map[string]string{}
	for part, versions := range h {
		if len(versions) > 0 {
			out[part] = versions[0].Body
		}
	}
	return out
}

// Of lists the period's versions, part by part, the newest first.
func (s *Service) Of(ctx context.Context, p report.Period) (History, error) {
	var rows []Text
	if err := s.db.WithContext(ctx).Where("period_from = ? AND period_to = ?", p.From, p.To).
		Order("part, version DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	h := History{}
	for _, t := range rows {
		h[t.Part] = append(h[t.Part], t)
	}
	return h, nil
}

// Save stores the parts given (part → text) for the period in one transaction: a part whose text differs
// from its latest version gets a new version, an unchanged one nothing. It returns the parts that changed.
// An unknown part is Invalid; a part over MaxChars too (the edge checks it first; this is the guard).
func (s *Service) Save(ctx context.Context, p report.Period, texts map[string]string) ([]string, error) {
	if len(p.From) != len(time.DateOnly) || len(p.To) != len(time.DateOnly) {
		return nil, errs.New(errs.Invalid, "report.error.date")
	}
	for part, body := range texts {
		if !slices.Contains(report.Parts, part) {
			return nil, errs.New(errs.Invalid, "error.form_invalid")
		}
		if len([]rune(body)) > MaxChars {
			return nil, errs.Validation{"text_" + part: "form.error.too_long"}.Err()
		}
	}
	actor := audit.ActorOf(ctx)
	var changed []string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		changed = nil
		for _, part := range report.Parts { // in the document's order, so the audit log reads in it too
			body, ok := texts[part]
			if !ok {
				continue
			}
			var last Text
			err := tx.Where("period_from = ? AND period_to = ? AND part = ?", p.From, p.To, part).
				Order("version DESC").Limit(1).Find(&last).Error
			if err != nil {
				return err
			}
			if last.Body == body && (last.ID != 0 || body == "") {
				continue // unchanged (or still empty): no version of nothing
			}
			t := Text{PeriodFrom: p.From, PeriodTo: p.To, Part: part, Version: last.Version + 1, Body: body,
				CreatedAt: s.now().UTC()}
			if actor.PersonID != 0 {
				t.AuthorID = &actor.PersonID
			}
			if err := tx.Create(&t).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) { // another save of the same part at the same moment
					return errs.New(errs.Conflict, "docx.texts.conflict")
				}
				return err
			}
			detail := fmt.Sprintf("%s..%s %s v%d", p.From, p.To, part, t.Version)
			if err := audit.Record(ctx, tx, "report.text.save", "report_text", t.ID, detail); err != nil {
				return err
			}
			changed = append(changed, part)
		}
		return nil
	})
	return changed, err
}

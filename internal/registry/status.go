package registry

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/errs"
)

// PublicStatus is what anyone with an appeal's registration index and its author's surname may learn
// without an account (the /status page): where the appeal stands, when it is due and when it was
// answered. Nothing of its content, its author or the answer's text.
type PublicStatus struct {
	Index        string
	Status       string
	ReceivedAt   time.Time
	DueDate      time.Time // a calendar date, midnight UTC
	Uncontrolled bool      // not under deadline control (an anonymous appeal): no due date to show
	AnsweredAt   *time.Time
}

// indexDashes are the dashes people type between an index's letter and number in place of "-".
var indexDashes = strings.NewReplacer("–", "-", "—", "-", "‐", "-", "‑", "-", "−", "-", " ", "")

// StatusByIndex answers the appeal registered under the index whose author's surname is the one given,
// compared as names are compared for repeats (case, apostrophes ’ ' ʼ and spacing alike). An unknown
// index and a surname that does not match are the same NotFound, so the page cannot be used to learn
// which indexes exist; an appeal without a surname (anonymous) is never found this way.
func (s *Service) StatusByIndex(ctx context.Context, index, surname string) (*PublicStatus, error) {
	index = indexDashes.Replace(strings.TrimSpace(index))
	want := normalise(surname)
	if index == "" || want == "" {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	var rows []Appeal
	err := s.db.WithContext(ctx).Select("id", "reg_index", "status", "received_at", "due_date", "uncontrolled",
		"answered_at", "author_last_name").
		Where("reg_index IN ?", []string{index, strings.ToUpper(index)}).Limit(2).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, a := range rows {
		if subtle.ConstantTimeCompare([]byte(normalise(a.AuthorLastName)), []byte(want)) == 1 {
			return &PublicStatus{Index: a.RegIndex, Status: a.Status, ReceivedAt: a.ReceivedAt, DueDate: a.DueDate,
				Uncontrolled: a.Uncontrolled, AnsweredAt: a.AnsweredAt}, nil
		}
	}
	return nil, errs.New(errs.NotFound, "error.not_found")
}

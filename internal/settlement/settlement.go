// Package settlement keeps the community's settlements (населені пункти: the city, towns, villages, each
// optionally in a starosta district) that appeals are counted by, and finds one in an author's address.
// It owns the settlements table and every query on it.
package settlement

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/i18n"
)

// Actions in the audit log. Raw strings: they are codes, not message ids for the translation check.
const (
	auditCreate     = `settlement.create`
	auditUpdate     = `settlement.update`
	auditActivate   = `settlement.activate`
	auditDeactivate = `settlement.deactivate`
)

// maxLen bounds a name or a district's name.
const maxLen = 300

// Settlement is one settlement of the community. It is never deleted, because appeals keep pointing at
// it; one entered by mistake is made inactive: no longer offered, no longer found in addresses.
type Settlement struct {
	ID        int64
	NameUK    string `gorm:"column:name_uk"`
	NameEN    string `gorm:"column:name_en"`
	Kind      string // a settlement kind of the classifier (city, town, village), "" when not given
	District  string // the starosta district (старостинський округ) it belongs to, "" for none
	Active    bool
	CreatedAt time.Time
}

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Settlement{}} }

// Title names the settlement in both languages, with its district when it has one, so that two villages
// of one name in two districts read apart: "Зелене (Зеленівський старостинський округ)".
func (s Settlement) Title() i18n.Text {
	t := i18n.Text{UK: s.NameUK, EN: s.NameEN}
	if s.District != "" {
		t.UK += " (" + s.District + ")"
		if t.EN != "" {
			t.EN += " (" + s.District + ")"
		}
	}
	return t
}

// Name is the settlement's title in the language; templates call it as {{.Name $.Lang}}.
func (s Settlement) Name(lang string) string { return s.Title().In(lang) }

// Code is the settlement's id as forms send it.
func (s Settlement) Code() string { return strconv.FormatInt(s.ID, 10) }

// Choices are the settlements as a list the forms' select offers and their readers check a value against
// (web/select, form.Reader.Code): the id as the code, the title as the name.
func Choices(list []Settlement) classifier.List {
	out := make(classifier.List, 0, len(list))
	for _, s := range list {
		out = append(out, classifier.Item{Code: s.Code(), Text: s.Title()})
	}
	return out
}

// Input is what an admin types for a settlement.
type Input struct {
	NameUK, NameEN, Kind, District string
}

// Service reads and changes the community's list of settlements.
type Service struct {
	db    *gorm.DB
	kinds classifier.List
}

// NewService builds the service; kinds are the classifier's settlement kinds.
func NewService(db *gorm.DB, kinds classifier.List) *Service { return &Service{db: db, kinds: kinds} }

// Kinds are the settlement kinds a settlement may have.
func (s *Service) Kinds() classifier.List { return s.kinds }

// List returns the settlements by their Ukrainian name and district: only active ones, or all.
func (s *Service) List(ctx context.Context, activeOnly bool) ([]Settlement, error) {
	return list(ctx, s.db, activeOnly)
}

func list(ctx context.Context, db *gorm.DB, activeOnly bool) ([]Settlement, error) {
	var out []Settlement
	q := db.WithContext(ctx).Order("name_uk, district, id")
	if activeOnly {
		q = q.Where("active = ?", true)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list settlements: %w", err)
	}
	return out, nil
}

// Titles names every settlement, inactive ones too (old appeals and reports still name them), by id.
func Titles(ctx context.Context, db *gorm.DB) (map[int64]i18n.Text, error) {
	all, err := list(ctx, db, false)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]i18n.Text, len(all))
	for _, s := range all {
		out[s.ID] = s.Title()
	}
	return out, nil
}

// Get returns one settlement.
func (s *Service) Get(ctx context.Context, id int64) (*Settlement, error) {
	return get(ctx, s.db, id)
}

func get(ctx context.Context, db *gorm.DB, id int64) (*Settlement, error) {
	var st Settlement
	err := db.WithContext(ctx).Take(&st, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// TitleOf is a settlement's title and whether it is active, inside the caller's transaction: the registry
// checks a registrar's choice with it. An unknown id is an empty title, not active.
func TitleOf(ctx context.Context, tx *gorm.DB, id int64) (t i18n.Text, active bool, err error) {
	st, err := get(ctx, tx, id)
	if errs.CodeOf(err) == errs.NotFound {
		return i18n.Text{}, false, nil
	}
	if err != nil {
		return i18n.Text{}, false, err
	}
	return st.Title(), st.Active, nil
}

// Create adds an active settlement.
func (s *Service) Create(ctx context.Context, in Input) (*Settlement, error) {
	st := &Settlement{Active: true, CreatedAt: time.Now().UTC()}
	st.set(in)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.validate(tx, st); err != nil {
			return err
		}
		if err := tx.Create(st).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, auditCreate, "settlement", st.ID, st.Title().UK)
	})
	if err != nil {
		return nil, s.explain(ctx, err, st)
	}
	return st, nil
}

// Update changes a settlement's names, kind and district; appeals already counted there follow them.
func (s *Service) Update(ctx context.Context, id int64, in Input) error {
	st := &Settlement{ID: id}
	st.set(in)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		was, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.validate(tx, st); err != nil {
			return err
		}
		err = tx.Model(&Settlement{}).Where("id = ?", id).Updates(map[string]any{"name_uk": st.NameUK,
			"name_en": st.NameEN, "kind": st.Kind, "district": st.District}).Error
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, auditUpdate, "settlement", id, "«"+was.Title().UK+"» → «"+st.Title().UK+"»")
	})
	return s.explain(ctx, err, st)
}

// SetActive offers the settlement again (and finds it in addresses), or stops doing so.
func (s *Service) SetActive(ctx context.Context, id int64, active bool) error {
	action := auditDeactivate
	if active {
		action = auditActivate
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Settlement{}).Where("id = ?", id).Update("active", active)
		if res.Error != nil {
			return fmt.Errorf("set settlement active: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.NotFound, "error.not_found")
		}
		return audit.Record(ctx, tx, action, "settlement", id, "")
	})
}

// set takes the typed values, spaces collapsed, so names differing only in spacing are the same name.
func (st *Settlement) set(in Input) {
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	st.NameUK, st.NameEN, st.Kind, st.District = clean(in.NameUK), clean(in.NameEN), strings.TrimSpace(in.Kind), clean(in.District)
}

func (s *Service) validate(tx *gorm.DB, st *Settlement) error {
	v := errs.Validation{}
	switch {
	case st.NameUK == "":
		v.Add("name_uk", "settlement.error.required")
	case utf8.RuneCountInString(st.NameUK) > maxLen:
		v.Add("name_uk", "settlement.error.too_long")
	case len(words(st.NameUK)) == 0:
		v.Add("name_uk", "settlement.error.letters") // nothing an address could be matched on
	}
	if utf8.RuneCountInString(st.NameEN) > maxLen {
		v.Add("name_en", "settlement.error.too_long")
	}
	if utf8.RuneCountInString(st.District) > maxLen {
		v.Add("district", "settlement.error.too_long")
	}
	if st.Kind != "" && !s.kinds.Has(st.Kind) {
		v.Add("kind", "settlement.error.kind")
	}
	if err := v.Err(); err != nil {
		return err
	}
	taken, err := nameTaken(tx, st)
	if err != nil {
		return err
	}
	if taken {
		v.Add("name_uk", "settlement.error.exists")
	}
	return v.Err()
}

// explain turns a unique-constraint violation (two admins adding the same name at once, past the check
// in validate) into the same field error the check gives.
func (s *Service) explain(ctx context.Context, err error, st *Settlement) error {
	if err == nil || errs.CodeOf(err) != errs.Internal {
		return err
	}
	if taken, terr := nameTaken(s.db.WithContext(ctx), st); terr == nil && taken {
		return &errs.Error{Code: errs.Invalid, Message: "error.form_invalid", Fields: map[string]string{"name_uk": "settlement.error.exists"}}
	}
	return fmt.Errorf("save settlement: %w", err)
}

func nameTaken(db *gorm.DB, st *Settlement) (bool, error) {
	var n int64
	err := db.Model(&Settlement{}).Where("name_uk = ? AND district = ? AND id <> ?", st.NameUK, st.District, st.ID).
		Count(&n).Error
	return n > 0, err
}

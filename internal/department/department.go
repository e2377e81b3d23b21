// Package department keeps the council's executive bodies (departments, services, offices) that appeals
// are sent to for consideration. It owns the departments table and every query on it.
package department

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/i18n"
)

// Actions in the audit log. Raw strings: they are codes, not message ids for the translation check.
const (
	auditCreate     = `department.create`
	auditRename     = `department.rename`
	auditActivate   = `department.activate`
	auditDeactivate = `department.deactivate`
)

// maxNameLen bounds a department's name in either language.
const maxNameLen = 300

// Department is one executive body of the council. A department is never deleted, because appeals
// keep pointing at it; one that no longer exists is made inactive and offered no more.
type Department struct {
	ID        int64
	NameUK    string `gorm:"column:name_uk"`
	NameEN    string `gorm:"column:name_en"`
	Active    bool
	CreatedAt time.Time
}

// Names is the department's name in both languages. The row keeps its two columns (name_uk is unique,
// searched and audited on its own); this is the view of them that picks a language.
func (d Department) Names() i18n.Text { return i18n.Text{UK: d.NameUK, EN: d.NameEN} }

// Name is the department's name in the language, Ukrainian when there is no English one; templates call
// it as {{.Name $.Lang}}.
func (d Department) Name(lang string) string { return d.Names().In(lang) }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Department{}} }

// Service reads and changes the list of departments.
type Service struct {
	db *gorm.DB
}

// NewService builds the service.
func NewService(db *gorm.DB) *Service { return &Service{db: db} }

// List returns the departments by their Ukrainian name: only active ones, or all.
func (s *Service) List(ctx context.Context, activeOnly bool) ([]Department, error) {
	var list []Department
	q := s.db.WithContext(ctx).Order("name_uk, id")
	if activeOnly {
		q = q.Where("active = ?", true)
	}
	if err := q.Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list departments: %w", err)
	}
	return list, nil
}

// IDsByName maps every department's Ukrainian name to its id: an imported registry names departments
// the way the council's records do, in the state language.
func (s *Service) IDsByName(ctx context.Context) (map[string]int64, error) {
	list, err := s.List(ctx, false)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int64, len(list))
	for _, d := range list {
		ids[d.NameUK] = d.ID
	}
	return ids, nil
}

// Get returns one department.
func (s *Service) Get(ctx context.Context, id int64) (*Department, error) {
	var d Department
	err := s.db.WithContext(ctx).Take(&d, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Create adds an active department. The Ukrainian name is required and unique.
func (s *Service) Create(ctx context.Context, nameUK, nameEN string) (*Department, error) {
	d := &Department{NameUK: cleanName(nameUK), NameEN: cleanName(nameEN), Active: true, CreatedAt: time.Now().UTC()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.validate(tx, d); err != nil {
			return err
		}
		if err := tx.Create(d).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, auditCreate, "department", d.ID, d.NameUK)
	})
	if err != nil {
		return nil, s.explain(ctx, err, d)
	}
	return d, nil
}

// Rename changes a department's names; appeals already sent there follow the new name.
func (s *Service) Rename(ctx context.Context, id int64, nameUK, nameEN string) error {
	d := &Department{ID: id, NameUK: cleanName(nameUK), NameEN: cleanName(nameEN)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.validate(tx, d); err != nil {
			return err
		}
		var was Department
		if err := tx.Select("name_uk").Take(&was, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return errs.New(errs.NotFound, "error.not_found")
		} else if err != nil {
			return err
		}
		err := tx.Model(&Department{}).Where("id = ?", id).Updates(map[string]any{"name_uk": d.NameUK, "name_en": d.NameEN}).Error
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, auditRename, "department", id, "«"+was.NameUK+"» → «"+d.NameUK+"»")
	})
	return s.explain(ctx, err, d)
}

// SetActive offers the department for new appeals again, or stops offering it.
func (s *Service) SetActive(ctx context.Context, id int64, active bool) error {
	action := auditDeactivate
	if active {
		action = auditActivate
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Department{}).Where("id = ?", id).Update("active", active)
		if res.Error != nil {
			return fmt.Errorf("set department active: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.NotFound, "error.not_found")
		}
		return audit.Record(ctx, tx, action, "department", id, "")
	})
}

func (s *Service) validate(tx *gorm.DB, d *Department) error {
	v := errs.Validation{}
	switch {
	case d.NameUK == "":
		v.Add("name_uk", "department.error.required")
	case utf8.RuneCountInString(d.NameUK) > maxNameLen:
		v.Add("name_uk", "department.error.too_long")
	}
	if utf8.RuneCountInString(d.NameEN) > maxNameLen {
		v.Add("name_en", "department.error.too_long")
	}
	if err := v.Err(); err != nil {
		return err
	}
	taken, err := nameTaken(tx, d)
	if err != nil {
		return err
	}
	if taken {
		v.Add("name_uk", "department.error.exists")
	}
	return v.Err()
}

// explain turns a unique-constraint violation (two admins adding the same name at once, past the
// check in validate) into the same field error the check gives.
func (s *Service) explain(ctx context.Context, err error, d *Department) error {
	if err == nil || errs.CodeOf(err) != errs.Internal {
		return err
	}
	if taken, terr := nameTaken(s.db.WithContext(ctx), d); terr == nil && taken {
		return &errs.Error{Code: errs.Invalid, Message: "error.form_invalid", Fields: map[string]string{"name_uk": "department.error.exists"}}
	}
	return fmt.Errorf("save department: %w", err)
}

func nameTaken(db *gorm.DB, d *Department) (bool, error) {
	var n int64
	err := db.Model(&Department{}).Where("name_uk = ? AND id <> ?", d.NameUK, d.ID).Count(&n).Error
	return n > 0, err
}

// cleanName trims and collapses white space, so names differing only in spacing are the same name.
func cleanName(s string) string { return strings.Join(strings.Fields(s), " ") }

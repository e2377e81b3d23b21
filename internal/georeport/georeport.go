// Package georeport keeps the public-facing services of Open311 GeoReport v2 (open311_services): the
// subjects the council lets a city app report under, each mapped to a subject of the classifier, with
// its names in Ukrainian and English, its group and its place in the list. It owns the table and every
// query on it; the area open311/ serves them, and the staff page /admin/open311 edits them.
package georeport

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

// Audit actions (codes, not message ids).
const (
	auditCreate     = `open311.service.create`
	auditUpdate     = `open311.service.update`
	auditActivate   = `open311.service.activate`
	auditDeactivate = `open311.service.deactivate`
)

// Limits on what a service holds, in characters.
const (
	MaxCode        = 40
	maxName        = 200
	maxDescription = 2000
	maxGroup       = 200
	MaxPosition    = 100000
)

// Service is one public-facing service. Its code never changes, because clients keep it; one made by
// mistake is switched off, never deleted, since appeals keep its code.
type Service struct {
	ID            int64
	Code          string
	SubjectCode   string // the classifier's subject the request's question is coded with
	NameUK        string `gorm:"column:name_uk"`
	NameEN        string `gorm:"column:name_en"`
	DescriptionUK string `gorm:"column:description_uk"`
	DescriptionEN string `gorm:"column:description_en"`
	GroupUK       string `gorm:"column:group_uk"`
	GroupEN       string `gorm:"column:group_en"`
	Position      int    // the order of the list (smaller first)
	Active        bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName keeps the table name explicit.
func (Service) TableName() string { return "open311_services" }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Service{}} }

// Names is the service's name in both languages.
func (s Service) Names() i18n.Text { return i18n.Text{UK: s.NameUK, EN: s.NameEN} }

// Name is the service's name in the language; templates call it as {{.Name $.Lang}}.
func (s Service) Name(lang string) string { return s.Names().In(lang) }

// Description is the service's description in the language.
func (s Service) Description(lang string) string {
	return i18n.Text{UK: s.DescriptionUK, EN: s.DescriptionEN}.In(lang)
}

// Group is the service's group in the language.
func (s Service) Group(lang string) string { return i18n.Text{UK: s.GroupUK, EN: s.GroupEN}.In(lang) }

// Input is what an admin types for a service. The code is taken only when the service is created.
type Input struct {
	Code                         string
	SubjectCode                  string
	NameUK, NameEN               string
	DescriptionUK, DescriptionEN string
	GroupUK, GroupEN             string
	Position                     int
}

// Catalogue reads and changes the services.
type Catalogue struct {
	db       *gorm.DB
	subjects func(string) bool // the classifier's subjects
	now      func() time.Time
}

// NewCatalogue builds the catalogue; subjects says whether a code is a subject of the classifier.
func NewCatalogue(db *gorm.DB, subjects func(string) bool) *Catalogue {
	return &Catalogue{db: db, subjects: subjects, now: time.Now}
}

// List returns the services in their order: only active ones, or all.
func (c *Catalogue) List(ctx context.Context, activeOnly bool) ([]Service, error) {
	q := c.db.WithContext(ctx).Order("position, code")
	if activeOnly {
		q = q.Where("active = ?", true)
	}
	var list []Service
	if err := q.Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	return list, nil
}

// Get returns one service by id.
func (c *Catalogue) Get(ctx context.Context, id int64) (*Service, error) {
	var s Service
	err := c.db.WithContext(ctx).Take(&s, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("a service: %w", err)
	}
	return &s, nil
}

// ByCode returns the active service with the code, or NotFound: a switched-off service takes no
// requests and is not offered.
func (c *Catalogue) ByCode(ctx context.Context, code string) (*Service, error) {
	var s Service
	err := c.db.WithContext(ctx).Where("code = ? AND active = ?", code, true).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "open311.error.unknown_service")
	}
	if err != nil {
		return nil, fmt.Errorf("a service by code: %w", err)
	}
	return &s, nil
}

// Create adds a service.
func (c *Catalogue) Create(ctx context.Context, in Input) (*Service, error) {
	now := c.now().UTC()
	s := &Service{Code: strings.TrimSpace(in.Code), Active: true, CreatedAt: now, UpdatedAt: now}
	s.set(in)
	v := c.validate(s)
	switch {
	case s.Code == "":
		v.Add("code", "open311.error.code_required")
	case utf8.RuneCountInString(s.Code) > MaxCode || strings.IndexFunc(s.Code, notCodeRune) >= 0:
		v.Add("code", "open311.error.code")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := c.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Service{}).Where("code = ?", s.Code).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return errs.Validation{"code": "open311.error.code_exists"}.Err()
		}
		if err := tx.Create(s).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) { // two admins at once, past the count
				return errs.Validation{"code": "open311.error.code_exists"}.Err()
			}
			return fmt.Errorf("create a service: %w", err)
		}
		return audit.Record(ctx, tx, auditCreate, "open311_service", s.ID, s.Code+" subject="+s.SubjectCode)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Update saves a service's subject, names, description, group and position; its code stays.
func (c *Catalogue) Update(ctx context.Context, id int64, in Input) error {
	return c.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var s Service
		if err := tx.Take(&s, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errs.New(errs.NotFound, "error.not_found")
			}
			return err
		}
		was := s.SubjectCode
		s.set(in)
		if err := c.validate(&s).Err(); err != nil {
			return err
		}
		err := tx.Model(&Service{}).Where("id = ?", id).Updates(map[string]any{
			"subject_code": s.SubjectCode, "name_uk": s.NameUK, "name_en": s.NameEN,
			"description_uk": s.DescriptionUK, "description_en": s.DescriptionEN, "group_uk": s.GroupUK,
			"group_en": s.GroupEN, "position": s.Position, "updated_at": c.now().UTC()}).Error
		if err != nil {
			return fmt.Errorf("update a service: %w", err)
		}
		return audit.Record(ctx, tx, auditUpdate, "open311_service", id, s.Code+" subject="+was+"→"+s.SubjectCode)
	})
}

// SetActive offers the service again, or switches it off: no longer listed, no new requests under it.
func (c *Catalogue) SetActive(ctx context.Context, id int64, active bool) error {
	action := auditDeactivate
	if active {
		action = auditActivate
	}
	return c.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Service{}).Where("id = ?", id).Updates(map[string]any{"active": active, "updated_at": c.now().UTC()})
		if res.Error != nil {
			return fmt.Errorf("switch a service: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.NotFound, "error.not_found")
		}
		return audit.Record(ctx, tx, action, "open311_service", id, "")
	})
}

// set takes the typed values, spaces of one-line fields collapsed.
func (s *Service) set(in Input) {
	clean := func(v string) string { return strings.Join(strings.Fields(v), " ") }
	s.SubjectCode = strings.TrimSpace(in.SubjectCode)
	s.NameUK, s.NameEN = clean(in.NameUK), clean(in.NameEN)
	s.DescriptionUK, s.DescriptionEN = strings.TrimSpace(in.DescriptionUK), strings.TrimSpace(in.DescriptionEN)
	s.GroupUK, s.GroupEN = clean(in.GroupUK), clean(in.GroupEN)
	s.Position = in.Position
}

func (c *Catalogue) validate(s *Service) errs.Validation {
	v := errs.Validation{}
	switch {
	case s.SubjectCode == "":
		v.Add("subject", "open311.error.subject")
	case !c.subjects(s.SubjectCode):
		v.Add("subject", "open311.error.subject")
	}
	switch {
	case s.NameUK == "":
		v.Add("name_uk", "open311.error.name_required")
	case utf8.RuneCountInString(s.NameUK) > maxName:
		v.Add("name_uk", "open311.error.too_long")
	}
	for field, val := range map[string]string{"name_en": s.NameEN, "group_uk": s.GroupUK, "group_en": s.GroupEN} {
		if utf8.RuneCountInString(val) > maxGroup {
			v.Add(field, "open311.error.too_long")
		}
	}
	for field, val := range map[string]string{"description_uk": s.DescriptionUK, "description_en": s.DescriptionEN} {
		if utf8.RuneCountInString(val) > maxDescription {
			v.Add(field, "open311.error.too_long")
		}
	}
	if s.Position < 0 || s.Position > MaxPosition {
		v.Add("position", "open311.error.position")
	}
	return v
}

func notCodeRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
}

// Package source keeps the systems appeals come from besides the portal and the council's own desks: the
// Government contact centre 1545, the regional governor's hotline, a city app, another authority's portal.
// Each has the channel its appeals are registered under; a card of a source is known by its number there
// (registry: source_id, external_number). Imports, the machine API and Open311 all name a source.
package source

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

// The sources every council has (migration 17 creates them).
const (
	GovHotline = "1545" // the Government contact centre
	ODAHotline = "oda"  // the regional governor's contact centre
)

const auditCreate = `source.create` // an audit action code, not a message id

// Source is one system appeals come from.
type Source struct {
	ID        int64
	Code      string // short and stable: profiles, tokens and exports name the source by it
	NameUK    string `gorm:"column:name_uk"`
	NameEN    string `gorm:"column:name_en"`
	Channel   string // the classifier's channel its appeals are registered under
	Active    bool
	CreatedAt time.Time
}

// TableName keeps the table name explicit.
func (Source) TableName() string { return "appeal_sources" }

// Names is the source's name in both languages.
func (s Source) Names() i18n.Text { return i18n.Text{UK: s.NameUK, EN: s.NameEN} }

// Name is the source's name in the language; templates call it as {{.Name $.Lang}}.
func (s Source) Name(lang string) string { return s.Names().In(lang) }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Source{}} }

// Service reads and adds sources.
type Service struct {
	db       *gorm.DB
	channels func(string) bool // the classifier's channels
}

// NewService builds the service; channels says whether a code is a channel of the classifier.
func NewService(db *gorm.DB, channels func(string) bool) *Service {
	return &Service{db: db, channels: channels}
}

// List returns the sources by code: only active ones, or all.
func (s *Service) List(ctx context.Context, activeOnly bool) ([]Source, error) {
	q := s.db.WithContext(ctx).Order("code")
	if activeOnly {
		q = q.Where("active = ?", true)
	}
	var list []Source
	if err := q.Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return list, nil
}

// Get returns one source.
func (s *Service) Get(ctx context.Context, id int64) (*Source, error) {
	var src Source
	err := s.db.WithContext(ctx).Take(&src, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	return &src, err
}

// ByCode returns the source with the code.
func (s *Service) ByCode(ctx context.Context, code string) (*Source, error) {
	var src Source
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&src).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "source.error.unknown")
	}
	return &src, err
}

// Create adds a source. The code is short (letters, digits, - and _), unique and never changes.
func (s *Service) Create(ctx context.Context, code, nameUK, nameEN, channel string) (*Source, error) {
	src := &Source{Code: strings.TrimSpace(code), NameUK: strings.TrimSpace(nameUK), NameEN: strings.TrimSpace(nameEN),
		Channel: channel, Active: true, CreatedAt: time.Now().UTC()}
	v := errs.Validation{}
	switch {
	case src.Code == "":
		v.Add("code", "source.error.code_required")
	case utf8.RuneCountInString(src.Code) > 40 || strings.IndexFunc(src.Code, notCodeRune) >= 0:
		v.Add("code", "source.error.code")
	}
	switch {
	case src.NameUK == "":
		v.Add("name_uk", "source.error.name_required")
	case utf8.RuneCountInString(src.NameUK) > 300 || utf8.RuneCountInString(src.NameEN) > 300:
		v.Add("name_uk", "source.error.too_long")
	}
	if !s.channels(channel) {
		v.Add("channel", "appeal.error.choose")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(src).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errs.Validation{"code": "source.error.exists"}.Err()
			}
			return err
		}
		return audit.Record(ctx, tx, auditCreate, "source", src.ID, src.Code)
	})
	if err != nil {
		return nil, err
	}
	return src, nil
}

func notCodeRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
}

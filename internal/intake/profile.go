// Package intake takes in the cards other systems export — the Government contact centre 1545, the regional
// governor's hotline, any source (internal/source) — through an import profile per source, and gives the
// results back in the source's own layout. A profile is data a clerk reads and edits: which header names
// each of the registry's fields goes by, the header row, the date formats, and how the source codes its
// lists (their value = our classifier code). The package owns intake_profiles and intake_runs; the
// appeals themselves are checked, numbered and inserted by internal/registry.
package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/source"
)

// Audit action codes (not message ids).
const (
	auditProfileCreate = "intake.profile_create"
	auditProfileUpdate = "intake.profile_update"
	auditResults       = "intake.results"
)

// Limits of a profile, in characters or items.
const (
	maxProfileName = 200
	maxHeaderLen   = 200
	maxHeaderRow   = 50
	maxPairs       = 500 // value map lines per list
	maxFormats     = 10
)

// Field is one of the registry's fields a source's column may carry.
type Field struct {
	Name      string
	List      string // the value map the cells are read through; "" for text
	Multi     bool   // several values in a cell, separated by ";"
	Date      bool
	Multiline bool // line breaks kept
	Back      bool // sent back with the results, not read from a card
	Max       int  // characters, for what the registry does not check itself (0: the registry checks)
}

// Fields are the fields a profile maps, in the order the staff page lists them.
var Fields = []Field{
	{Name: "card_number"},
	{Name: "registered_at", Date: true},
	{Name: "control_date", Date: true},
	{Name: "last_name"},
	{Name: "first_name"},
	{Name: "patronymic"},
	{Name: "full_name", Max: 300},
	{Name: "address"},
	{Name: "phone"},
	{Name: "email"},
	{Name: "category", List: "category", Multi: true},
	{Name: "social_status", List: "social_status"},
	{Name: "text", Multiline: true},
	{Name: "subject", List: "subject", Multi: true},
	{Name: "type", List: "type"},
	{Name: "sign", List: "sign"},
	{Name: "urgency", List: "urgency"},
	{Name: "responsible_body", Max: 500},
	{Name: "result", List: "result", Back: true},
	{Name: "answer_date", Date: true, Back: true},
	{Name: "out_number", Back: true},
	{Name: "answer_text", Back: true},
	{Name: "executor", Back: true},
}

// Lists are the value maps of a profile, in the staff page's order.
var Lists = []string{"subject", "type", "sign", "category", "social_status", "urgency", "result"}

// Urgency marks a card may carry. The registry keeps no urgency of its own: the mark is checked and shown
// in the preview, and an urgent card's control date brings its due date forward.
var urgencies = []string{"urgent", "normal"}

// FieldOf returns the field with the name.
func FieldOf(name string) (Field, bool) {
	i := slices.IndexFunc(Fields, func(f Field) bool { return f.Name == name })
	if i < 0 {
		return Field{}, false
	}
	return Fields[i], true
}

// Profile is one saved profile.
type Profile struct {
	ID          int64
	SourceID    int64
	Name        string
	HeaderRow   int
	DateFormats string // one format a line, in the clerk's notation (DD.MM.YYYY hh:mm)
	Columns     string // JSON of []Column
	ValueMaps   string // JSON of map[list][]Pair
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName keeps the table name explicit.
func (Profile) TableName() string { return "intake_profiles" }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Profile{}, &Run{}} }

// Column says which header names one field goes by in the source's files and whether its cell must be
// filled.
type Column struct {
	Field    string   `json:"field"`
	Headers  []string `json:"headers"`
	Required bool     `json:"required,omitempty"`
}

// Pair is one line of a value map: the source's value and our classifier code.
type Pair struct {
	Their string `json:"their"`
	Ours  string `json:"ours"`
}

// Spec is a profile read for use.
type Spec struct {
	Columns []Column
	Values  map[string][]Pair
	Formats []string                     // the clerk's notation
	layouts []string                     // the same as Go layouts
	index   map[string]map[string]string // list → their value's key → our code, made on first lookup
}

// Column returns the field's column, if the profile maps it.
func (s *Spec) Column(field string) (Column, bool) {
	i := slices.IndexFunc(s.Columns, func(c Column) bool { return c.Field == field && len(c.Headers) > 0 })
	if i < 0 {
		return Column{}, false
	}
	return s.Columns[i], true
}

// Spec reads the profile's JSON. The JSON is only ever written by this package, so a broken one is an
// internal error, not the clerk's.
func (p *Profile) Spec() (*Spec, error) {
	sp := &Spec{Values: map[string][]Pair{}}
	if err := json.Unmarshal([]byte(p.Columns), &sp.Columns); err != nil {
		return nil, fmt.Errorf("profile %d columns: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(p.ValueMaps), &sp.Values); err != nil {
		return nil, fmt.Errorf("profile %d value maps: %w", p.ID, err)
	}
	for _, f := range strings.Split(p.DateFormats, "\n") {
		if f = strings.TrimSpace(f); f != "" {
			layout, ok := goLayout(f)
			if !ok {
				return nil, fmt.Errorf("profile %d: date format %q", p.ID, f)
			}
			sp.Formats, sp.layouts = append(sp.Formats, f), append(sp.layouts, layout)
		}
	}
	return sp, nil
}

// Service keeps the profiles and takes files in through them.
type Service struct {
	db      *gorm.DB
	reg     *registry.Service
	sources *source.Service
	clf     *classifier.Classifier
	clock   calendar.Clock
	now     func() time.Time
	wg      sync.WaitGroup // the files being read or imported in the background
}

// Options are the service's collaborators.
type Options struct {
	Registry *registry.Service
	Sources  *source.Service
	Clock    calendar.Clock
}

// NewService builds the service.
func NewService(db *gorm.DB, clf *classifier.Classifier, o Options) *Service {
	return &Service{db: db, reg: o.Registry, sources: o.Sources, clf: clf, clock: o.Clock, now: o.Clock.Now}
}

// Wait waits for the files being read or imported in the background, for a graceful stop and for tests.
func (s *Service) Wait() { s.wg.Wait() }

// List returns every profile, by source and name.
func (s *Service) List(ctx context.Context) ([]Profile, error) {
	var list []Profile
	if err := s.db.WithContext(ctx).Order("source_id, name").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list profiles: %w", err)
	}
	return list, nil
}

// Get returns one profile.
func (s *Service) Get(ctx context.Context, id int64) (*Profile, error) {
	var p Profile
	err := s.db.WithContext(ctx).Take(&p, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// ForSource returns the source's profile: the one with the id when given (it must be the source's),
// otherwise the source's first.
func (s *Service) ForSource(ctx context.Context, sourceID, profileID int64) (*Profile, error) {
	var p Profile
	q := s.db.WithContext(ctx).Where("source_id = ?", sourceID).Order("id")
	if profileID != 0 {
		q = q.Where("id = ?", profileID)
	}
	err := q.Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "intake.error.no_profile")
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// ProfileInput is a profile as the staff form gives it: text a clerk writes.
type ProfileInput struct {
	SourceID    int64
	Name        string
	HeaderRow   int
	DateFormats []string          // one a line
	Headers     map[string]string // field → header names separated by "|"
	Required    map[string]bool   // field → its cell must be filled
	Values      map[string]string // list → lines "their value = our code"
}

// InputOf is the profile as the staff form shows it.
func (p *Profile) InputOf() (ProfileInput, error) {
	sp, err := p.Spec()
	if err != nil {
		return ProfileInput{}, err
	}
	in := ProfileInput{SourceID: p.SourceID, Name: p.Name, HeaderRow: p.HeaderRow, DateFormats: sp.Formats,
		Headers: map[string]string{}, Required: map[string]bool{}, Values: map[string]string{}}
	for _, c := range sp.Columns {
		in.Headers[c.Field] = strings.Join(c.Headers, " | ")
		in.Required[c.Field] = c.Required
	}
	for list, pairs := range sp.Values {
		var b strings.Builder
		for _, pr := range pairs {
			fmt.Fprintf(&b, "%s = %s\n", pr.Their, pr.Ours)
		}
		in.Values[list] = b.String()
	}
	return in, nil
}

// Create saves a new profile.
func (s *Service) Create(ctx context.Context, in ProfileInput) (*Profile, error) {
	p := &Profile{}
	if err := s.fill(ctx, p, in); err != nil {
		return nil, err
	}
	p.CreatedAt = p.UpdatedAt
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(p).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errs.Validation{"name": "intake.error.name_taken"}.Err()
			}
			return err
		}
		return audit.Record(ctx, tx, auditProfileCreate, "intake_profile", p.ID, p.Name)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Update saves a changed profile. A file checked before the change is imported only after it is checked
// again (Confirm compares the profile's time of change).
func (s *Service) Update(ctx context.Context, id int64, in ProfileInput) (*Profile, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.fill(ctx, p, in); err != nil {
		return nil, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Save(p).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errs.Validation{"name": "intake.error.name_taken"}.Err()
			}
			return err
		}
		return audit.Record(ctx, tx, auditProfileUpdate, "intake_profile", p.ID, p.Name)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// fill checks the form's profile and writes it into p; every problem is reported under its field.
func (s *Service) fill(ctx context.Context, p *Profile, in ProfileInput) error {
	v := errs.Validation{}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		v.Add("name", "intake.error.name_required")
	case utf8.RuneCountInString(name) > maxProfileName:
		v.Add("name", "intake.error.too_long")
	}
	if _, err := s.sources.Get(ctx, in.SourceID); err != nil {
		if errs.CodeOf(err) != errs.NotFound {
			return err
		}
		v.Add("source", "intake.error.source")
	}
	if in.HeaderRow < 1 || in.HeaderRow > maxHeaderRow {
		v.Add("header_row", "intake.error.header_row")
	}
	var formats []string
	for _, f := range in.DateFormats {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if _, ok := goLayout(f); !ok {
			v.Add("date_formats", "intake.error.date_format")
		}
		formats = append(formats, f)
	}
	if len(formats) == 0 || len(formats) > maxFormats {
		v.Add("date_formats", "intake.error.date_formats")
	}
	columns := s.columnsOf(in, v)
	values := s.valuesOf(in, v)
	if err := v.Err(); err != nil {
		return err
	}
	cj, err := json.Marshal(columns)
	if err != nil {
		return err
	}
	vj, err := json.Marshal(values)
	if err != nil {
		return err
	}
	p.SourceID, p.Name, p.HeaderRow = in.SourceID, name, in.HeaderRow
	p.DateFormats, p.Columns, p.ValueMaps = strings.Join(formats, "\n"), string(cj), string(vj)
	p.UpdatedAt = s.now().UTC()
	return nil
}

// columnsOf reads the table of field → header names. A header names one field only; the card number, the
// date of registration, the text, the subject and the type must be mapped (the registry cannot register
// a card without them), and so must the author's name, whole or in parts.
func (s *Service) columnsOf(in ProfileInput, v errs.Validation) []Column {
	var columns []Column
	owner := map[string]string{}
	for _, f := range Fields {
		var headers []string
		for _, h := range strings.Split(in.Headers[f.Name], "|") {
			h = strings.Join(strings.Fields(h), " ")
			switch key := headerKey(h); {
			case h == "":
				continue
			case utf8.RuneCountInString(h) > maxHeaderLen:
				v.Add("headers."+f.Name, "intake.error.too_long")
			case owner[key] != "" && owner[key] != f.Name:
				v.Add("headers."+f.Name, "intake.error.header_twice")
			default:
				owner[key] = f.Name
				headers = append(headers, h)
			}
		}
		required := in.Required[f.Name] || f.Name == "card_number" || f.Name == "registered_at"
		if len(headers) > 0 || in.Required[f.Name] {
			columns = append(columns, Column{Field: f.Name, Headers: headers, Required: required && !f.Back})
		}
		if in.Required[f.Name] && len(headers) == 0 {
			v.Add("headers."+f.Name, "intake.error.required_unmapped")
		}
	}
	mapped := func(f string) bool {
		return slices.ContainsFunc(columns, func(c Column) bool { return c.Field == f && len(c.Headers) > 0 })
	}
	for _, f := range []string{"card_number", "registered_at", "text", "subject", "type"} {
		if !mapped(f) {
			v.Add("headers."+f, "intake.error.must_map")
		}
	}
	if !mapped("full_name") && !(mapped("last_name") && mapped("first_name")) {
		v.Add("headers.last_name", "intake.error.name_columns")
	}
	return columns
}

// valuesOf reads the value maps: "their value = our code" a line; our code must be one of the list's.
func (s *Service) valuesOf(in ProfileInput, v errs.Validation) map[string][]Pair {
	values := map[string][]Pair{}
	for _, list := range Lists {
		seen := map[string]bool{}
		var pairs []Pair
		for _, line := range strings.Split(in.Values[list], "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			i := strings.LastIndex(line, "=")
			if i < 0 {
				v.Add("values."+list, "intake.error.pair")
				continue
			}
			their, ours := strings.Join(strings.Fields(line[:i]), " "), strings.TrimSpace(line[i+1:])
			switch {
			case their == "" || utf8.RuneCountInString(their) > maxHeaderLen:
				v.Add("values."+list, "intake.error.pair")
			case !s.known(list, ours):
				v.Add("values."+list, "intake.error.our_code")
			case seen[valueKey(their)]:
				v.Add("values."+list, "intake.error.their_twice")
			default:
				seen[valueKey(their)] = true
				pairs = append(pairs, Pair{Their: their, Ours: ours})
			}
		}
		if len(pairs) > maxPairs {
			v.Add("values."+list, "intake.error.too_many_pairs")
		}
		if len(pairs) > 0 {
			values[list] = pairs
		}
	}
	return values
}

// known says whether code is one of our codes in the list.
func (s *Service) known(list, code string) bool {
	switch list {
	case "subject":
		return s.clf.Subjects.Has(code)
	case "type":
		return s.clf.Types.Has(code)
	case "sign":
		return s.clf.Signs.Has(code)
	case "category":
		return s.clf.Categories.Has(code)
	case "social_status":
		return s.clf.SocialStatuses.Has(code)
	case "urgency":
		return slices.Contains(urgencies, code)
	case "result":
		return s.clf.Results.Has(code)
	}
	return false
}

// OurCodes lists our codes of a list, for the staff page's help.
func (s *Service) OurCodes(list string) []string {
	var l classifier.List
	switch list {
	case "subject":
		l = s.clf.Subjects
	case "type":
		l = s.clf.Types
	case "sign":
		l = s.clf.Signs
	case "category":
		l = s.clf.Categories
	case "social_status":
		l = s.clf.SocialStatuses
	case "result":
		l = s.clf.Results
	case "urgency":
		return urgencies
	}
	codes := make([]string, len(l))
	for i, it := range l {
		codes[i] = it.Code
	}
	return codes
}

// headerKey is how header names are compared: spaces collapsed, case folded, one apostrophe.
func headerKey(h string) string {
	return strings.ToLower(strings.Join(strings.Fields(apostrophes.Replace(h)), " "))
}

// valueKey is how a source's values are compared, as header names are.
func valueKey(v string) string { return headerKey(v) }

// apostrophes are the ways Ukrainian text writes the apostrophe (Ім'я, Ім’я, Імʼя).
var apostrophes = strings.NewReplacer("’", "'", "ʼ", "'", "`", "'", "‘", "'")

// goLayout turns the clerk's date notation into a Go layout: DD day, MM month, YYYY or YY year, hh hours,
// mm minutes, ss seconds, and the separators . / - : space and T. ok is false for anything else, or a
// date without its day, month and year.
func goLayout(notation string) (string, bool) {
	tokens := []struct{ clerk, layout string }{{"YYYY", "2006"}, {"YY", "06"}, {"DD", "02"}, {"MM", "01"},
		{"hh", "15"}, {"mm", "04"}, {"ss", "05"}}
	var b strings.Builder
	seen := map[string]bool{}
	for rest := notation; rest != ""; {
		matched := false
		for _, t := range tokens {
			if strings.HasPrefix(rest, t.clerk) {
				if seen[t.layout] {
					return "", false
				}
				seen[t.layout] = true
				b.WriteString(t.layout)
				rest = rest[len(t.clerk):]
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		if !strings.ContainsRune("./-: T", rune(rest[0])) {
			return "", false
		}
		b.WriteByte(rest[0])
		rest = rest[1:]
	}
	if !seen["02"] || !seen["01"] || !seen["2006"] && !seen["06"] || seen["2006"] && seen["06"] || seen["04"] && !seen["15"] {
		return "", false
	}
	return b.String(), true
}

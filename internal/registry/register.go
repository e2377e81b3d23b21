package registry

import (
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
)

// Limits on what a citizen may type.
const (
	maxNameLen     = 100
	maxAddressLen  = 500
	maxSummaryLen  = 20000
	minSummaryLen  = 10
	maxQuestionLen = 1000
	MaxQuestions   = 20
	maxExternalRef = 100
	MaxSigners     = 100000
)

// Document kinds of the registration card.
const (
	DocElectronic = "electronic" // an e-appeal on the portal
	DocLetter     = "letter"
	DocOral       = "oral"
	DocEmail      = "email"
)

// DocumentKinds lists the document kinds a card can show.
var DocumentKinds = []string{DocElectronic, DocLetter, DocOral, DocEmail}

// DocumentKindOf is the document kind an appeal arriving by the channel has.
func DocumentKindOf(channel string) string {
	switch channel {
	case ChannelPortal:
		return DocElectronic
	case "email":
		return DocEmail
	case "reception", "phone", "gov_hotline", "oda_hotline":
		return DocOral
	default:
		return DocLetter
	}
}

// NeedsExternalRef tells whether appeals by the channel carry the number given by the sender
// (the hotlines' card number, the forwarding body's outgoing number).
func NeedsExternalRef(channel string) bool {
	switch channel {
	case "gov_hotline", "oda_hotline", "authority":
		return true
	}
	return false
}

// Service registers appeals and answers questions about them.
type Service struct {
	db       *gorm.DB
	clf      *classifier.Classifier
	files    *attachment.Store
	loc      *time.Location
	pattern  string
	maxFiles int
	notify   *notify.Service
}

// Options configure the registry.
type Options struct {
	Timezone       *time.Location // registration years and due dates are counted in the council's zone
	IndexPattern   string         // e.g. "{letter}-{seq}"
	MaxAttachments int
	Notify         *notify.Service // nil: no e-mail (unit tests)
}

// NewService builds the registry.
func NewService(db *gorm.DB, clf *classifier.Classifier, files *attachment.Store, o Options) *Service {
	return &Service{db: db, clf: clf, files: files, loc: o.Timezone, pattern: o.IndexPattern,
		maxFiles: o.MaxAttachments, notify: o.Notify}
}

// Upload is a file as it arrives with a form.
type Upload = attachment.Upload

// QuestionInput is one question with its subject code.
type QuestionInput struct {
	SubjectCode string
	Text        string
}

// RegisterInput is what is known of a new appeal.
type RegisterInput struct {
	Channel      string
	PersonID     *int64 // the signed-in author, for portal appeals
	LastName     string
	FirstName    string
	Patronymic   string
	Address      string
	Email        string
	Phone        string
	Gender       string
	SocialStatus string
	Categories   []string
	Type         string
	Questions    []QuestionInput
	Summary      string
	Consent      bool
	Attachments  []Upload
	ReceivedAt   time.Time // zero: now
	// Registered by staff on behalf of the author (every channel but the portal).
	RegisteredBy *int64 // the registrar: the actor of the first event
	ExternalRef  string // the hotline's or the forwarding body's number and date
	Nature       string // "": individual
	Signers      int    // collective appeals: the number of signers (≥ 2)
	DocumentKind string // "": derived from the channel
	// The sign of receipt ("": primary) and, for a repeat or duplicate appeal, the earlier appeal it
	// points at (the registrar chooses it among EarlierAppeals).
	Sign            string
	RelatedAppealID *int64
}

// validate checks the required content of an electronic appeal (Law 393/96-ВР, Art. 5). Field names
// are the form's; messages are i18n ids.
func (s *Service) validate(in *RegisterInput) error {
	v := errs.Validation{}
	trim := func(p *string) { *p = strings.TrimSpace(*p) }
	for _, p := range []*string{&in.LastName, &in.FirstName, &in.Patronymic, &in.Address, &in.Email, &in.Phone, &in.Summary, &in.ExternalRef} {
		trim(p)
	}
	if in.Nature == "" {
		in.Nature = NatureIndividual
	}
	if in.DocumentKind == "" {
		in.DocumentKind = DocumentKindOf(in.Channel)
	}
	if in.Sign == "" {
		in.Sign = SignPrimary
	}
	switch {
	case !s.clf.Signs.Has(in.Sign):
		v.Add("sign", "appeal.error.choose")
	case (in.Sign == SignRepeat || in.Sign == SignDuplicate) && in.RelatedAppealID == nil:
		v.Add("sign", "admin.register.error.related_required")
	case in.Sign == SignPrimary && in.RelatedAppealID != nil:
		// A first appeal has no earlier one: the two fields would contradict each other on the card.
		v.Add("sign", "admin.register.error.related_primary")
	}
	switch {
	case !s.clf.Natures.Has(in.Nature):
		v.Add("nature", "appeal.error.choose")
	case in.Nature == NatureCollective && (in.Signers < 2 || in.Signers > MaxSigners):
		v.Add("signers", "appeal.error.signers")
	case in.Nature != NatureCollective:
		in.Signers = 1
	}
	if in.Channel == ChannelPortal && (in.RegisteredBy != nil || in.Nature != NatureIndividual) {
		// The portal's own appeals come from the signed-in author; staff register the other channels.
		v.Add("channel", "appeal.error.choose")
	}
	switch {
	case NeedsExternalRef(in.Channel) && in.ExternalRef == "":
		v.Add("external_ref", "appeal.error.external_ref_required")
	case utf8.RuneCountInString(in.ExternalRef) > maxExternalRef:
		v.Add("external_ref", "appeal.error.too_long")
	}
	if !in.ReceivedAt.IsZero() {
		y, m, d := in.ReceivedAt.In(s.loc).Date()
		if time.Date(y, m, d, 0, 0, 0, 0, time.UTC).After(s.today()) {
			v.Add("received_at", "appeal.error.received_future")
		}
	}
	// An anonymous appeal is registered without a name or an address (and is not considered on the merits).
	named := in.Nature != NatureAnonymous
	checkName := func(field, val string, required bool) {
		switch {
		case val == "" && required:
			v.Add(field, "appeal.error.required")
		case utf8.RuneCountInString(val) > maxNameLen:
			v.Add(field, "appeal.error.too_long")
		case strings.IndexFunc(val, unicode.IsDigit) >= 0:
			v.Add(field, "appeal.error.name_digits")
		}
	}
	checkName("last_name", in.LastName, named)
	checkName("first_name", in.FirstName, named)
	checkName("patronymic", in.Patronymic, false)
	switch {
	case in.Address == "" && named:
		v.Add("address", "appeal.error.address_required")
	case utf8.RuneCountInString(in.Address) > maxAddressLen:
		v.Add("address", "appeal.error.too_long")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			v.Add("email", "appeal.error.email")
		}
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		v.Add("phone", "appeal.error.phone")
	}
	if in.Channel == ChannelPortal && in.Email == "" && in.Phone == "" {
		v.Add("email", "appeal.error.contact_required")
	}
	if in.Gender != "" && !s.clf.Genders.Has(in.Gender) {
		v.Add("gender", "appeal.error.choose")
	}
	if in.SocialStatus != "" && !s.clf.SocialStatuses.Has(in.SocialStatus) {
		v.Add("social_status", "appeal.error.choose")
	}
	for _, c := range in.Categories {
		if !s.clf.Categories.Has(c) {
			v.Add("categories", "appeal.error.choose")
		}
	}
	if !s.clf.Types.Has(in.Type) {
		v.Add("type", "appeal.error.type")
	}
	if !s.clf.Channels.Has(in.Channel) {
		v.Add("channel", "appeal.error.choose")
	}
	// Blank question rows (the form offers spare ones) are dropped; a row with text needs a subject.
	qs := in.Questions[:0]
	for i, q := range in.Questions {
		q.Text = strings.TrimSpace(q.Text)
		if q.SubjectCode == "" && q.Text == "" {
			continue
		}
		field := "questions." + strconv.Itoa(i)
		switch {
		case !s.clf.Subjects.Has(q.SubjectCode):
			v.Add(field+".subject", "appeal.error.subject")
		case utf8.RuneCountInString(q.Text) > maxQuestionLen:
			v.Add(field+".text", "appeal.error.too_long")
		}
		qs = append(qs, q)
	}
	in.Questions = qs
	switch {
	case len(in.Questions) == 0:
		v.Add("questions.0.subject", "appeal.error.question_required")
	case len(in.Questions) > MaxQuestions:
		v.Add("questions", "appeal.error.too_many_questions")
	}
	switch n := utf8.RuneCountInString(in.Summary); {
	case n == 0:
		v.Add("summary", "appeal.error.summary_required")
	case n < minSummaryLen:
		v.Add("summary", "appeal.error.summary_short")
	case n > maxSummaryLen:
		v.Add("summary", "appeal.error.too_long")
	}
	if in.Channel == ChannelPortal && !in.Consent {
		v.Add("consent", "appeal.error.consent")
	}
	if len(in.Attachments) > s.maxFiles {
		v.Add("attachments", "appeal.error.too_many_files")
	}
	for _, a := range in.Attachments {
		if a.Size > s.files.MaxBytes() {
			v.Add("attachments", "appeal.error.file_too_large")
		}
	}
	return v.Err()
}

func validPhone(p string) bool {
	digits := 0
	for _, r := range p {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune("+()- ", r):
		default:
			return false
		}
	}
	return digits >= 9 && digits <= 15
}

// Check validates an appeal without registering it, so a form can report every problem at once.
func (s *Service) Check(in RegisterInput) error {
	in.Questions = append([]QuestionInput(nil), in.Questions...)
	return s.validate(&in)
}

// RegisterAppeal validates the appeal, stores its attachments and registers it in one transaction:
// the next index of the year, the due date, the card, its questions, the first timeline event and the
// audit line (auditRegister).
func (s *Service) RegisterAppeal(ctx context.Context, in RegisterInput) (*Appeal, error) {
	if err := s.validate(&in); err != nil {
		return nil, err
	}
	if in.RelatedAppealID != nil {
		idx, err := s.RelatedIndex(ctx, *in.RelatedAppealID)
		if err != nil {
			return nil, err
		}
		if idx == "" {
			return nil, errs.Validation{"sign": "admin.register.error.related_missing"}.Err()
		}
	}
	// Files are stored before the transaction, content-addressed: a rolled-back registration leaves at
	// most an unreferenced file, never a row pointing at nothing.
	var atts []Attachment
	for _, up := range in.Attachments {
		saved, err := s.files.SaveUpload(up, "attachments")
		if err != nil {
			return nil, err
		}
		atts = append(atts, Attachment{FileName: attachment.CleanName(up.Name), ContentType: saved.ContentType,
			SizeBytes: saved.Size, SHA256: saved.SHA256})
	}
	now := time.Now().UTC()
	received := in.ReceivedAt
	if received.IsZero() {
		received = now
	}
	local := received.In(s.loc)
	a := &Appeal{
		RegYear:            local.Year(),
		ReceivedAt:         received.UTC(),
		Channel:            in.Channel,
		Type:               in.Type,
		ExternalRef:        in.ExternalRef,
		Nature:             in.Nature,
		Signers:            in.Signers,
		Sign:               in.Sign,
		RelatedAppealID:    in.RelatedAppealID,
		DocumentKind:       in.DocumentKind,
		PersonID:           in.PersonID,
		AuthorLastName:     in.LastName,
		AuthorFirstName:    in.FirstName,
		AuthorPatronymic:   in.Patronymic,
		AuthorAddress:      in.Address,
		AuthorEmail:        in.Email,
		AuthorPhone:        in.Phone,
		AuthorGender:       in.Gender,
		AuthorCategories:   strings.Join(in.Categories, ";"),
		AuthorSocialStatus: in.SocialStatus,
		Priority:           s.hasPriority(in.Categories),
		Summary:            in.Summary,
		Status:             StatusRegistered,
		DueDate:            DueDate(local, DefaultTermDays),
		CreatedAt:          now,
		UpdatedAt:          now,
	}
	for i, q := range in.Questions {
		a.Questions = append(a.Questions, Question{Position: i + 1, SubjectCode: q.SubjectCode, Text: q.Text})
	}
	for i := range atts {
		atts[i].CreatedAt = now
	}
	a.Attachments = atts
	actor := in.PersonID
	if in.RegisteredBy != nil {
		actor = in.RegisteredBy
	}
	a.Events = []Event{{OccurredAt: now, Kind: EventRegistered, ActorPersonID: actor}}

	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		seq, err := nextSeq(tx, a.RegYear)
		if err != nil {
			return err
		}
		a.RegSeq = seq
		a.RegIndex = FormatIndex(s.pattern, a.AuthorLastName, a.Nature, local, seq)
		if a.PersonID == nil && in.RegisteredBy != nil && a.Nature != NatureAnonymous {
			// An appeal taken by telephone or post shows in "My appeals" of the citizen whose account has
			// the e-mail and the name given (identity.AccountOf says why both).
			id, err := identity.AccountOf(ctx, tx, a.AuthorEmail, a.AuthorLastName, a.AuthorFirstName)
			if err != nil {
				return err
			}
			if id != 0 {
				a.PersonID = &id
			}
		}
		a.SearchText = searchText(a)
		a.AuthorKey = authorKeyOf(a)
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		detail := "channel=" + a.Channel + " sign=" + a.Sign
		if a.PersonID != nil && in.RegisteredBy != nil {
			detail += " account=" + strconv.FormatInt(*a.PersonID, 10) // linked to the author's account
		}
		if a.RelatedAppealID != nil {
			detail += " related=" + strconv.FormatInt(*a.RelatedAppealID, 10)
		}
		if err := audit.Record(ctx, tx, auditRegister, "appeal", a.ID, detail); err != nil {
			return err
		}
		return s.tellAuthor(ctx, tx, a, notify.AppealRegistered, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("register appeal: %w", err)
	}
	return a, nil
}

// tellAuthor sends the author a notice about the appeal inside the transaction that changes it.
func (s *Service) tellAuthor(ctx context.Context, tx *gorm.DB, a *Appeal, kind notify.Kind, extra map[string]any) error {
	if s.notify == nil || a.AuthorEmail == "" {
		return nil
	}
	data := map[string]any{
		"Name":     strings.TrimSpace(a.AuthorFirstName + " " + a.AuthorPatronymic),
		"Index":    a.RegIndex,
		"Received": a.ReceivedAt.In(s.loc).Format("02.01.2006"),
		"Due":      a.DueDate.Format("02.01.2006"),
	}
	for k, v := range extra {
		data[k] = v
	}
	return s.notify.Notify(ctx, tx, notify.Notice{Kind: kind, PersonID: a.PersonID, To: a.AuthorEmail,
		Path: fmt.Sprintf("/appeals/%d", a.ID), Data: data})
}

func (s *Service) hasPriority(categories []string) bool {
	for _, c := range categories {
		if it, ok := s.clf.Categories.Get(c); ok && it.Priority {
			return true
		}
	}
	return false
}

// nextSeq takes the next number of the year inside the caller's transaction. The row lock (PostgreSQL)
// or the write lock (SQLite) holds until commit, so concurrent registrations get consecutive numbers and
// a rollback gives its number back.
func nextSeq(tx *gorm.DB, year int) (int, error) {
	var seq int
	err := tx.Raw(`INSERT INTO registry_counters (year, last_seq) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last_seq = registry_counters.last_seq + 1
		RETURNING last_seq`, year).Scan(&seq).Error
	if err != nil {
		return 0, fmt.Errorf("next registration number: %w", err)
	}
	return seq, nil
}

// DueDate is the calendar date termDays after the day of receipt (in the council's zone). Deadlines are
// calendar days and never move later for a weekend (the warning comes earlier instead).
func DueDate(receivedLocal time.Time, termDays int) time.Time {
	y, m, d := receivedLocal.Date()
	return time.Date(y, m, d+termDays, 0, 0, 0, 0, time.UTC)
}

// FormatIndex renders the registration index pattern: {letter} is the first letter of the author's
// surname, "КО" for a collective and "БП" for an anonymous appeal; {seq} the yearly number; {year}, {yy}.
func FormatIndex(pattern, lastName, nature string, local time.Time, seq int) string {
	letter := "БП"
	switch {
	case nature == NatureCollective:
		letter = "КО"
	case nature == NatureAnonymous:
	default:
		if r, _ := utf8.DecodeRuneInString(strings.TrimSpace(lastName)); r != utf8.RuneError {
			letter = string(unicode.ToUpper(r))
		}
	}
	return strings.NewReplacer(
		"{letter}", letter,
		"{seq}", strconv.Itoa(seq),
		"{year}", strconv.Itoa(local.Year()),
		"{yy}", fmt.Sprintf("%02d", local.Year()%100),
	).Replace(pattern)
}

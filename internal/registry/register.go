package registry

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/paper"
	"github.com/hromada/hromada/internal/settlement"
)

// Document kinds of the registration card; each channel's kind is data (the classifier's document_kind).
const (
	DocElectronic = "electronic" // an e-appeal on the portal
	DocLetter     = "letter"
	DocOral       = "oral"
	DocEmail      = "email"
)

// DocumentKinds lists the document kinds a card can show.
var DocumentKinds = []string{DocElectronic, DocLetter, DocOral, DocEmail}

// Service registers appeals and answers questions about them.
type Service struct {
	db         *gorm.DB
	clf        *classifier.Classifier
	files      *attachment.Store
	clock      calendar.Clock
	pattern    string
	maxFiles   int
	notify     *notify.Service
	letterOpts LetterOptions
	cal        *calendar.Calendar // nil: no day is known to be off (unit tests)
	dayOff     string             // what a term ending on a day off does: DueKeep or DueEarlier
}

// Options configure the registry.
type Options struct {
	Timezone       *time.Location // registration years and due dates are counted in the council's zone
	IndexPattern   string         // e.g. "{letter}-{seq}"
	MaxAttachments int
	Notify         *notify.Service  // nil: no e-mail (unit tests)
	Now            func() time.Time // tests move the clock; nil is time.Now
	Letters        LetterOptions    // the letterhead, the signatory, the outgoing number's pattern
	// Calendar knows the days off (weekends, holidays unless martial law); nil flags none.
	Calendar *calendar.Calendar
	// DueOnDayOff is what a term that ends on a day off does: DueKeep ("" too) or DueEarlier.
	DueOnDayOff string
}

// NewService builds the registry.
func NewService(db *gorm.DB, clf *classifier.Classifier, files *attachment.Store, o Options) *Service {
	s := &Service{db: db, clf: clf, files: files, clock: calendar.NewClock(o.Timezone, o.Now),
		pattern: o.IndexPattern, maxFiles: o.MaxAttachments, notify: o.Notify, letterOpts: o.Letters,
		cal: o.Calendar, dayOff: o.DueOnDayOff}
	if s.letterOpts.OutPattern == "" {
		s.letterOpts.OutPattern = DefaultOutPattern
	}
	return s
}

// Today is the council's date now, as the registry's clock reads it (midnight UTC, like due dates).
func (s *Service) Today() time.Time { return s.clock.Today() }

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
	// From another system (a hotline's export, the machine API, Open311): the source and the card's number
	// and date there. A source's number is taken once: registering it again is a Conflict (ErrKnownCard).
	SourceID       *int64
	ExternalNumber string
	ExternalDate   *time.Time
	// Idempotency is the client's key for this request (the machine API): kept with the appeal in the
	// registering transaction; a key taken meanwhile is a Conflict (RegisterOnce answers it).
	Idempotency  *IdempotencyKey
	Nature       string // "": individual
	Signers      int    // collective appeals: the number of signers (≥ 2)
	DocumentKind string // "": derived from the channel
	// The sign of receipt ("": primary) and, for a repeat or duplicate appeal, the earlier appeal it
	// points at (the registrar chooses it among EarlierAppeals).
	Sign            string
	RelatedAppealID *int64
	// ReplyBy is how the author asks to be answered (ReplyDeliveries; "": e-mail when given, else post).
	ReplyBy string
	// Acknowledge: the author asks for an acknowledgement of registration; its letter is made with the card.
	Acknowledge bool
	// The author's settlement as the registrar chose it among the active ones; nil: found in the address
	// at registration (deriveNew), or left undetermined when the address names none.
	SettlementID *int64
	// Where the problem is (a city app's report through Open311) and the public service it was reported
	// under; the place is public, the author's address never is.
	Place       Place
	ServiceCode string
	// FromDraft: the author's checked draft (drafts.go) is sent; it is deleted in the registering
	// transaction, and a draft already gone is a Conflict (ErrDraftGone), so it is never registered twice.
	FromDraft bool
	// The resolution given when the appeal was made, and its author's account: an official deciding on
	// the spot at personal reception (internal/reception). Empty: the head resolves it later.
	Resolution   string
	ResolutionBy *int64
}

// validate checks a new appeal's content (Law 393/96-ВР, Art. 5) and says what is wrong in the forms'
// words: field names are the form's, messages are i18n ids.
func (s *Service) validate(in *RegisterInput) error {
	return formErrors(s.checkContent(in, true)).Err()
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
	a, err := s.prepare(ctx, &in)
	if err != nil {
		return nil, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return s.insert(ctx, tx, a, &in) })
	if err != nil {
		return nil, fmt.Errorf("register appeal: %w", err)
	}
	return a, nil
}

// RegisterWith registers an appeal without attachments inside the caller's transaction, so that another
// domain's step and the registration commit or roll back together (a visit at personal reception becomes
// an appeal in the step that records it).
func (s *Service) RegisterWith(ctx context.Context, tx *gorm.DB, in RegisterInput) (*Appeal, error) {
	if len(in.Attachments) > 0 {
		return nil, errors.New("register with a transaction: attachments are stored only by RegisterAppeal")
	}
	a, err := s.prepare(ctx, &in)
	if err != nil {
		return nil, err
	}
	if err := s.insert(ctx, tx, a, &in); err != nil {
		return nil, fmt.Errorf("register appeal: %w", err)
	}
	return a, nil
}

// prepare validates a new appeal, stores its attachments and builds its card, before the transaction.
func (s *Service) prepare(ctx context.Context, in *RegisterInput) (*Appeal, error) {
	if err := s.validate(in); err != nil {
		return nil, err
	}
	if err := s.checkRelated(ctx, in.RelatedAppealID); err != nil {
		return nil, err
	}
	proposed, err := s.proposeSign(ctx, in)
	if err != nil {
		return nil, err
	}
	atts, err := s.saveFiles(in.Attachments)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = now
	}
	a := appealOf(in)
	a.CreatedAt, a.UpdatedAt, a.SignProposed = now, now, proposed
	for i := range atts {
		atts[i].CreatedAt = now
	}
	a.Attachments = atts
	actor := in.PersonID
	if in.RegisteredBy != nil {
		actor = in.RegisteredBy
	}
	a.Events = []Event{{OccurredAt: now, Kind: EventRegistered, ActorPersonID: actor}}
	return a, nil
}

// insert registers the prepared card in the transaction: the next index of the year, the link to the
// author's account, the settlement, the card with its questions and events, the idempotency key, the
// acknowledgement or registration notice and the audit line.
func (s *Service) insert(ctx context.Context, tx *gorm.DB, a *Appeal, in *RegisterInput) error {
	now, actor := a.CreatedAt, a.Events[0].ActorPersonID
	if err := takeDraft(tx, in); err != nil {
		return err
	}
	if err := s.number(tx, a); err != nil {
		return err
	}
	if err := linkAccount(ctx, tx, a, in.RegisteredBy != nil); err != nil {
		return err
	}
	places, err := settlement.LoadIndex(ctx, tx, s.clf.SettlementKinds)
	if err != nil {
		return err
	}
	if a.SettlementID != nil && !places.Has(*a.SettlementID) {
		// Made inactive between the form and its submission.
		return errs.Validation{"settlement": "settlement.error.choose"}.Err()
	}
	s.deriveNew(a, places)
	if err := tx.Create(a).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) && a.SourceID != nil && a.ExternalNumber != "" {
			return errs.New(errs.Conflict, ErrKnownCard) // the source's card is registered already
		}
		return err
	}
	if err := keepKey(tx, in.Idempotency, a.ID, now); err != nil {
		return err
	}
	if in.Acknowledge {
		// The acknowledgement asked for replaces the registration notice: one message, the letter in it.
		ev, err := s.sendLetter(ctx, tx, a, now, s.authorLetter(a, paper.KindAcknowledgement, notify.AppealAcknowledged, nil))
		if err != nil {
			return err
		}
		ev.AppealID, ev.OccurredAt, ev.ActorPersonID = a.ID, now, actor
		if err := tx.Create(&ev).Error; err != nil {
			return err
		}
	}
	detail := registerDetail(a, in.RegisteredBy != nil)
	for _, n := range a.outNumbers {
		detail += " out=" + n
	}
	if err := audit.Record(ctx, tx, auditRegister, "appeal", a.ID, detail); err != nil {
		return err
	}
	if in.Acknowledge && replyBy(a) == DeliveryEmail {
		return nil
	}
	return s.tellAuthor(ctx, tx, a, notify.AppealRegistered, nil)
}

// linkAccount links an appeal taken by telephone or post to the account of the citizen whose account has
// the e-mail and the name given (identity.AccountOf says why both), so it shows in their "My appeals".
func linkAccount(ctx context.Context, tx *gorm.DB, a *Appeal, byStaff bool) error {
	if a.PersonID != nil || !byStaff || a.Nature == NatureAnonymous {
		return nil
	}
	id, err := identity.AccountOf(ctx, tx, a.AuthorEmail, a.AuthorLastName, a.AuthorFirstName)
	if err != nil || id == 0 {
		return err
	}
	a.PersonID = &id
	return nil
}

// ErrKnownCard is the message of the Conflict a source's card registered a second time gets: callers
// answer with the appeal they find by AppealByExternal, so a retry never makes a second appeal.
const ErrKnownCard = "appeal.error.known_card"

// AppealByExternal returns the appeal registered from the source's card with the number, or NotFound.
func (s *Service) AppealByExternal(ctx context.Context, sourceID int64, number string) (*Appeal, error) {
	var a Appeal
	err := s.db.WithContext(ctx).Where("source_id = ? AND external_number = ?", sourceID, strings.TrimSpace(number)).
		Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// checkRelated refuses a repeat or duplicate appeal pointing at an appeal the registry does not have.
func (s *Service) checkRelated(ctx context.Context, id *int64) error {
	if id == nil {
		return nil
	}
	idx, err := s.RelatedIndex(ctx, *id)
	if err != nil {
		return err
	}
	if idx == "" {
		return errs.Validation{"sign": "admin.register.error.related_missing"}.Err()
	}
	return nil
}

// saveFiles stores the uploads before the transaction, content-addressed: a rolled-back change leaves at
// most an unreferenced file, never a row pointing at nothing.
func (s *Service) saveFiles(uploads []Upload) ([]Attachment, error) {
	var atts []Attachment
	for _, up := range uploads {
		saved, err := s.files.SaveUpload(up, "attachments")
		if err != nil {
			return nil, err
		}
		atts = append(atts, Attachment{FileName: attachment.CleanName(up.Name), ContentType: saved.ContentType,
			SizeBytes: saved.Size, SHA256: saved.SHA256})
	}
	return atts, nil
}

// registerDetail is the registration's audit detail: the channel, the sign, the account the appeal was
// linked to when staff registered it, and the earlier appeal it points at.
func registerDetail(a *Appeal, byStaff bool) string {
	detail := "channel=" + a.Channel + " sign=" + a.Sign
	if a.PersonID != nil && byStaff {
		detail += " account=" + strconv.FormatInt(*a.PersonID, 10) // linked to the author's account
	}
	if a.RelatedAppealID != nil {
		detail += " related=" + strconv.FormatInt(*a.RelatedAppealID, 10)
	}
	if a.SignProposed {
		detail += " proposed"
	}
	return detail
}

// tellAuthor sends the author a notice about the appeal inside the transaction that changes it.
func (s *Service) tellAuthor(ctx context.Context, tx *gorm.DB, a *Appeal, kind notify.Kind, extra map[string]any) error {
	return s.tellAuthorWith(ctx, tx, a, kind, extra, a.AuthorEmail, nil)
}

// tellAuthorWith sends the author a notice at the address to, carrying files (a letter's PDF).
func (s *Service) tellAuthorWith(ctx context.Context, tx *gorm.DB, a *Appeal, kind notify.Kind, extra map[string]any,
	to string, files []notify.Attachment) error {
	if s.notify == nil || to == "" {
		return nil
	}
	data := map[string]any{
		"Name":     strings.TrimSpace(a.AuthorFirstName + " " + a.AuthorPatronymic),
		"Index":    a.RegIndex,
		"Received": s.clock.Date(a.ReceivedAt).Format("02.01.2006"),
		"Due":      a.DueDate.Format("02.01.2006"),
	}
	for k, v := range extra {
		data[k] = v
	}
	return s.notify.Notify(ctx, tx, notify.Notice{Kind: kind, PersonID: a.PersonID, To: to,
		Path: fmt.Sprintf("/appeals/%d", a.ID), Data: data, Attachments: files})
}

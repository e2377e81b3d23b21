package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/paper"
)

// How a letter reaches its addressee: the register's delivery methods.
const (
	DeliveryEmail      = "email"       // by e-mail, the letter's PDF attached (sent through the outbox)
	DeliveryPost       = "post"        // printed and posted: waits in "До відправлення"
	DeliveryInPerson   = "in_person"   // printed and handed over: waits in "До відправлення"
	DeliveryHotline    = "hotline"     // through the hotline's own system (the answer to a hotline card)
	DeliveryBodySystem = "body_system" // through another body's system of electronic interaction
)

// DefaultOutPattern is the outgoing number's pattern unless configured: "вих-17/26".
const DefaultOutPattern = "вих-{seq}/{yy}"

// Deliveries lists the delivery methods in the register's order.
var Deliveries = []string{DeliveryEmail, DeliveryPost, DeliveryInPerson, DeliveryHotline, DeliveryBodySystem}

// ReplyDeliveries are the ways an author may ask to be answered.
var ReplyDeliveries = []string{DeliveryEmail, DeliveryPost, DeliveryInPerson, DeliveryHotline}

// CoverDeliveries are the ways a covering letter reaches the competent body.
var CoverDeliveries = []string{DeliveryPost, DeliveryBodySystem}

// Timeline events of letters: how the addressee was told, and the dispatch of a letter that waited.
const (
	EventLetterPrefix     = "letter_"           // + the delivery: the letter was made and sent or set to wait
	EventLetterNone       = "letter_none"       // no letter: the author left neither an address nor an e-mail
	EventLetterDispatched = "letter_dispatched" // a waiting letter went out
)

// LetterOptions are what the council's letters carry: the letterhead, the signatory, the outgoing
// number's pattern and where authors follow their appeals.
type LetterOptions struct {
	Letterhead     paper.Letterhead
	SignatoryTitle string
	SignatoryName  string
	OutPattern     string // e.g. "вих-{seq}/{yy}"
	StatusURL      string // printed on the acknowledgement and the receipt
}

// Letter is one letter about an appeal and its line in the outgoing register, fixed when it is made.
type Letter struct {
	ID                int64
	AppealID          int64
	Year              int
	Seq               int
	OutNumber         string
	OutDate           time.Time // a calendar date, midnight UTC
	Kind              string    // paper.Kind*
	Reference         string    // the appeal answered: "На № … від …"
	Delivery          string
	AddresseeName     string
	AddresseeAddress  string
	AddresseeEmail    string
	Subject           string
	Body              string
	Enclosure         string
	SignatoryPosition string
	SignatoryName     string
	ExecutorName      string
	ExecutorPhone     string
	Letterhead        string // JSON of paper.Letterhead as it was
	CreatedBy         *int64
	CreatedAt         time.Time
	DispatchedAt      *time.Time
	DispatchedBy      *int64
}

// TableName names the register.
func (Letter) TableName() string { return "outgoing_letters" }

// Waiting tells whether the letter still waits to be dispatched.
func (l *Letter) Waiting() bool { return l.DispatchedAt == nil }

// Paper is the letter as it is printed.
func (l *Letter) Paper() paper.Letter {
	var head paper.Letterhead
	_ = json.Unmarshal([]byte(l.Letterhead), &head) // written by this package; an empty head prints blank
	executor := l.ExecutorName
	if l.ExecutorPhone != "" {
		executor = strings.TrimPrefix(executor+", тел. "+l.ExecutorPhone, ", ")
	}
	return paper.Letter{Letterhead: head, OutNumber: l.OutNumber, Date: l.OutDate, Reference: l.Reference,
		AddresseeName: l.AddresseeName, AddresseeAddress: l.AddresseeAddress, Subject: l.Subject, Body: l.Body,
		Enclosure: l.Enclosure, SignatoryTitle: l.SignatoryPosition, SignatoryName: l.SignatoryName, Executor: executor}
}

// FileName is the name of the letter's PDF: ASCII, so every mail program shows it alike.
func (l *Letter) FileName() string { return fmt.Sprintf("lyst-%d-%d.pdf", l.Seq, l.Year) }

// outCounter is the yearly outgoing sequence.
type outCounter struct {
	Year    int `gorm:"primaryKey;autoIncrement:false"`
	LastSeq int
}

func (outCounter) TableName() string { return "outgoing_counters" }

// FormatOutNumber renders the outgoing number's pattern: {seq} the number within the year, {year} or {yy}.
func FormatOutNumber(pattern string, local time.Time, seq int) string {
	return strings.NewReplacer(
		"{seq}", strconv.Itoa(seq),
		"{year}", strconv.Itoa(local.Year()),
		"{yy}", fmt.Sprintf("%02d", local.Year()%100),
	).Replace(pattern)
}

// nextOutSeq takes the next outgoing number of the year inside the caller's transaction, exactly as
// nextSeq takes a registration number: consecutive under concurrency, given back by a rollback.
func nextOutSeq(tx *gorm.DB, year int) (int, error) {
	var seq int
	err := tx.Raw(`INSERT INTO outgoing_counters (year, last_seq) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last_seq = outgoing_counters.last_seq + 1
		RETURNING last_seq`, year).Scan(&seq).Error
	if err != nil {
		return 0, fmt.Errorf("next outgoing number: %w", err)
	}
	return seq, nil
}

// replyBy is how the author is answered: what they asked for, when it can be done (an e-mail needs an
// address, a post a postal one); otherwise e-mail when they gave one, else post when they gave an address,
// else nothing ("": an anonymous author is not written to). derive keeps it on the card.
func replyBy(a *Appeal) string {
	switch a.ReplyBy {
	case DeliveryEmail:
		if a.AuthorEmail != "" {
			return DeliveryEmail
		}
	case DeliveryPost:
		if a.AuthorAddress != "" {
			return DeliveryPost
		}
	case DeliveryInPerson, DeliveryHotline:
		return a.ReplyBy
	}
	switch {
	case a.AuthorEmail != "":
		return DeliveryEmail
	case a.AuthorAddress != "":
		return DeliveryPost
	}
	return ""
}

// ReplyDelivery is how the appeal's author is answered ("" when they cannot be).
func (a *Appeal) ReplyDelivery() string { return replyBy(a) }

// letterSpec is one letter a step sends.
type letterSpec struct {
	kind     string
	facts    paper.Facts
	name     string // the addressee
	address  string
	email    string
	delivery string // "": nobody to write to
	// reference: the appeal the letter answers, for letters to the author.
	reference bool
	executor  int64  // who prepared it; 0: the person taking the step
	enclosure string // what goes with it, when the step knows better than the template
	// The e-mail a letter by e-mail goes with: the author's notice of the kind, the PDF attached.
	notice     notify.Kind
	noticeData map[string]any
}

// authorLetter is a letter of the kind to the appeal's author, by the way they are answered.
func (s *Service) authorLetter(a *Appeal, kind string, notice notify.Kind, noticeData map[string]any) letterSpec {
	return letterSpec{kind: kind, facts: s.facts(a), name: a.AuthorName(), address: a.AuthorAddress,
		email: a.AuthorEmail, delivery: replyBy(a), reference: true, notice: notice, noticeData: noticeData}
}

// facts are what every letter about the appeal may say of it.
func (s *Service) facts(a *Appeal) paper.Facts {
	return paper.Facts{Index: a.RegIndex, Received: s.clock.Date(a.ReceivedAt).Format("02.01.2006"),
		Registered: s.clock.Date(a.CreatedAt).Format("02.01.2006"), Due: a.DueDate.Format("02.01.2006"),
		StatusURL: s.letterOpts.StatusURL}
}

// sendLetter makes the letter inside the step's transaction: the next outgoing number, the text from its
// template, the letterhead, signatory and executor as they are today; a letter by e-mail goes into the
// outbox with its PDF and counts as dispatched, any other waits in "До відправлення". It returns the
// timeline's line saying truthfully how the addressee is told, which the step adds after its own.
func (s *Service) sendLetter(ctx context.Context, tx *gorm.DB, a *Appeal, now time.Time, spec letterSpec) (Event, error) {
	if spec.delivery == "" {
		return Event{Kind: EventLetterNone}, nil
	}
	today := s.clock.Today()
	seq, err := nextOutSeq(tx, today.Year())
	if err != nil {
		return Event{}, err
	}
	subject, body, enclosure, err := paper.Compose(spec.kind, spec.facts)
	if err != nil {
		return Event{}, err
	}
	if spec.enclosure != "" {
		enclosure = spec.enclosure
	}
	head, err := json.Marshal(s.letterOpts.Letterhead)
	if err != nil {
		return Event{}, err
	}
	actor := audit.ActorOf(ctx).PersonID
	l := Letter{AppealID: a.ID, Year: today.Year(), Seq: seq, OutNumber: FormatOutNumber(s.letterOpts.OutPattern, today, seq),
		OutDate: today, Kind: spec.kind, Delivery: spec.delivery, AddresseeName: spec.name, AddresseeAddress: spec.address,
		AddresseeEmail: spec.email, Subject: subject, Body: body, Enclosure: enclosure,
		SignatoryPosition: s.letterOpts.SignatoryTitle, SignatoryName: s.letterOpts.SignatoryName, Letterhead: string(head),
		CreatedBy: nullable(actor), CreatedAt: now}
	if spec.reference {
		l.Reference = "На № " + a.RegIndex + " від " + spec.facts.Received
	}
	if l.ExecutorName, l.ExecutorPhone, err = s.executorOf(ctx, tx, cmpOr(spec.executor, actor)); err != nil {
		return Event{}, err
	}
	if spec.delivery == DeliveryEmail {
		l.DispatchedAt, l.DispatchedBy = &now, l.CreatedBy
	}
	if err := tx.Create(&l).Error; err != nil {
		return Event{}, fmt.Errorf("outgoing register: %w", err)
	}
	if spec.delivery == DeliveryEmail {
		var pdf bytes.Buffer
		if err := paper.WriteLetters(&pdf, []paper.Letter{l.Paper()}); err != nil {
			return Event{}, err
		}
		data := map[string]any{"Letter": l.OutNumber}
		for k, v := range spec.noticeData {
			data[k] = v
		}
		if err := s.tellAuthorWith(ctx, tx, a, spec.notice, data, spec.email,
			[]notify.Attachment{{Name: l.FileName(), ContentType: "application/pdf", Data: pdf.Bytes()}}); err != nil {
			return Event{}, err
		}
	}
	a.outNumbers = append(a.outNumbers, l.OutNumber)
	return Event{Kind: EventLetterPrefix + spec.delivery, Note: "№ " + l.OutNumber + " — " + subject + " (" + spec.name + ")"}, nil
}

func cmpOr(a, b int64) int64 {
	if a != 0 {
		return a
	}
	return b
}

// executorOf names who prepared a letter as ДСТУ 4163:2020 writes the executor ("Ім'я ПРІЗВИЩЕ") with
// their phone, or the council's phone when the person has none.
func (s *Service) executorOf(ctx context.Context, tx *gorm.DB, personID int64) (name, phone string, err error) {
	phone = s.letterOpts.Letterhead.Phone
	if personID == 0 {
		return "", phone, nil
	}
	p, err := identity.PersonIn(ctx, tx, personID)
	if err != nil {
		return "", "", fmt.Errorf("the letter's executor: %w", err)
	}
	name = strings.TrimSpace(p.FirstName + " " + strings.ToUpper(p.LastName))
	if p.Phone != "" {
		phone = p.Phone
	}
	return name, phone, nil
}

// sendLetters sends the step's letters and keeps their timeline lines for the step to add after its own.
func (s *Service) sendLetters(ctx context.Context, tx *gorm.DB, a *Appeal, now time.Time, specs ...letterSpec) error {
	for _, spec := range specs {
		ev, err := s.sendLetter(ctx, tx, a, now, spec)
		if err != nil {
			return err
		}
		a.letterEvents = append(a.letterEvents, ev)
	}
	return nil
}

// Acknowledge makes the acknowledgement of registration the author asked for (Art. 20 does not demand
// one: it is sent on request), by the way they are answered.
func (s *Service) Acknowledge(ctx context.Context, appealID int64) error {
	return s.change(ctx, appealID, StepAcknowledge, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			return s.sendLetter(ctx, tx, a, now, s.authorLetter(a, paper.KindAcknowledgement, notify.AppealAcknowledged, nil))
		})
}

// AuthorDelivery is how the appeal's author is answered now ("" when they cannot be written to): what a
// page says of the letter a step just made.
func (s *Service) AuthorDelivery(ctx context.Context, appealID int64) (string, error) {
	var a Appeal
	err := s.db.WithContext(ctx).Select("id", "reply_by", "author_email", "author_address").Take(&a, appealID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", errs.New(errs.NotFound, "error.not_found")
	}
	return replyBy(&a), err
}

// LettersOf lists the appeal's letters in the order they were made.
func (s *Service) LettersOf(ctx context.Context, appealID int64) ([]Letter, error) {
	var list []Letter
	err := s.db.WithContext(ctx).Where("appeal_id = ?", appealID).Order("id").Find(&list).Error
	return list, err
}

// LetterOf is one letter of the appeal; another appeal's letter is NotFound.
func (s *Service) LetterOf(ctx context.Context, appealID, letterID int64) (*Letter, error) {
	var l Letter
	err := s.db.WithContext(ctx).Where("id = ? AND appeal_id = ?", letterID, appealID).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// MaxDispatch bounds one dispatch list, its PDFs and one "відправлено".
const MaxDispatch = 1000

// WaitingLetters lists the letters waiting to be dispatched, made on the day given (any day when zero),
// oldest first.
func (s *Service) WaitingLetters(ctx context.Context, day time.Time) ([]Letter, error) {
	q := s.db.WithContext(ctx).Where("dispatched_at IS NULL")
	if !day.IsZero() {
		q = q.Where("out_date = ?", dateOnly(day))
	}
	var list []Letter
	err := q.Order("out_date, seq").Limit(MaxDispatch).Find(&list).Error
	return list, err
}

// Dispatch marks the waiting letters among ids as dispatched now, each with its timeline line and its
// audit line, in one transaction; it returns how many it marked (letters already dispatched are left).
func (s *Service) Dispatch(ctx context.Context, ids []int64) (int, error) {
	if len(ids) > MaxDispatch {
		ids = ids[:MaxDispatch]
	}
	n := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var list []Letter
		if err := tx.Where("id IN ? AND dispatched_at IS NULL", ids).Order("id").Find(&list).Error; err != nil {
			return err
		}
		now := s.clock.Now()
		actor := nullable(audit.ActorOf(ctx).PersonID)
		for _, l := range list {
			res := tx.Model(&Letter{}).Where("id = ? AND dispatched_at IS NULL", l.ID).
				Updates(map[string]any{"dispatched_at": now, "dispatched_by": actor})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				continue // marked by someone else meanwhile
			}
			ev := Event{AppealID: l.AppealID, OccurredAt: now, Kind: EventLetterDispatched, ActorPersonID: actor,
				Note: "№ " + l.OutNumber + " — " + l.Subject + " (" + l.AddresseeName + ")"}
			if err := tx.Create(&ev).Error; err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, "letter.dispatch", "appeal", l.AppealID, l.OutNumber+" "+l.Delivery); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// OutgoingFilter narrows the outgoing register. Zero values filter nothing.
type OutgoingFilter struct {
	From, To time.Time // the letters' dates, inclusive
	Kind     string
	Delivery string
	Waiting  bool   // only letters not yet dispatched
	Query    string // part of the outgoing number or of the appeal's index
	Page     int
}

// String names the filter's set conditions, for the audit log.
func (f OutgoingFilter) String() string {
	var parts []string
	add := func(k, v string, set bool) {
		if set {
			parts = append(parts, k+"="+v)
		}
	}
	add("from", f.From.Format(time.DateOnly), !f.From.IsZero())
	add("to", f.To.Format(time.DateOnly), !f.To.IsZero())
	add("kind", f.Kind, f.Kind != "")
	add("delivery", f.Delivery, f.Delivery != "")
	add("waiting", "true", f.Waiting)
	add("q", f.Query, f.Query != "")
	return strings.Join(parts, " ")
}

// OutgoingLine is a line of the register with the index of the appeal it concerns.
type OutgoingLine struct {
	Letter
	RegIndex string
}

func (s *Service) outgoingQuery(ctx context.Context, f OutgoingFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("outgoing_letters").Joins("JOIN appeals ON appeals.id = outgoing_letters.appeal_id")
	if !f.From.IsZero() {
		q = q.Where("outgoing_letters.out_date >= ?", dateOnly(f.From))
	}
	if !f.To.IsZero() {
		q = q.Where("outgoing_letters.out_date <= ?", dateOnly(f.To))
	}
	if f.Kind != "" {
		q = q.Where("outgoing_letters.kind = ?", f.Kind)
	}
	if f.Delivery != "" {
		q = q.Where("outgoing_letters.delivery = ?", f.Delivery)
	}
	if f.Waiting {
		q = q.Where("outgoing_letters.dispatched_at IS NULL")
	}
	if w := strings.TrimSpace(f.Query); w != "" {
		like := "%" + likeEscaper.Replace(w) + "%"
		q = q.Where(`(outgoing_letters.out_number LIKE ? ESCAPE '\' OR appeals.reg_index LIKE ? ESCAPE '\')`, like, like)
	}
	return q
}

// ListOutgoing returns one page of the register, newest first, and how many lines the filter selects.
func (s *Service) ListOutgoing(ctx context.Context, f OutgoingFilter) ([]OutgoingLine, int64, error) {
	var total int64
	if err := s.outgoingQuery(ctx, f).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count letters: %w", err)
	}
	list, err := s.outgoingPage(ctx, f, (max(f.Page, 1)-1)*PageSize, PageSize)
	return list, total, err
}

func (s *Service) outgoingPage(ctx context.Context, f OutgoingFilter, offset, limit int) ([]OutgoingLine, error) {
	var list []OutgoingLine
	err := s.outgoingQuery(ctx, f).Select("outgoing_letters.*, appeals.reg_index").
		Order("outgoing_letters.year DESC, outgoing_letters.seq DESC").Offset(offset).Limit(limit).Scan(&list).Error
	if err != nil {
		return nil, fmt.Errorf("list letters: %w", err)
	}
	return list, nil
}

// EachOutgoing calls fn with every line the filter selects (at most MaxExportRows), newest first, in
// batches; the export is logged with its filter and size, like the registry's.
func (s *Service) EachOutgoing(ctx context.Context, f OutgoingFilter, fn func(*OutgoingLine) error) error {
	n, err := eachInBatches(func(offset, limit int) ([]OutgoingLine, error) { return s.outgoingPage(ctx, f, offset, limit) }, fn)
	if err != nil {
		return err
	}
	return audit.Record(ctx, s.db, "letter.export", "letter", 0, fmt.Sprintf("rows=%d %s", n, f))
}

// IsDelivery tells whether a code is a delivery method (the register's filter reads it through this).
func IsDelivery(code string) bool { return slices.Contains(Deliveries, code) }

// IsLetterKind tells whether a code is a kind of letter.
func IsLetterKind(code string) bool { return slices.Contains(paper.Kinds, code) }

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

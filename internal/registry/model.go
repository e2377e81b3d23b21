// Package registry is the one registry of citizens' appeals, whatever the channel: the registration
// card, numbering, deadlines and the timeline. It owns the appeals tables and every query on them.
package registry

import (
	"slices"
	"strings"
	"time"
)

// Appeal statuses. An appeal is under control until it reaches one of the Closed statuses.
const (
	StatusRegistered       = "registered"        // waiting for the head's resolution
	StatusInProgress       = "in_progress"       // routed to a lead department
	StatusAwaitingApproval = "awaiting_approval" // a reply waits for the head
	StatusAnswered         = "answered"          // the approved reply went out
	StatusForwarded        = "forwarded"         // sent to the competent body (5 days)
	StatusReturned         = "returned"          // returned to the author for missing content (10 days)
	StatusNotConsidered    = "not_considered"    // left without consideration (Art. 8)
)

// Statuses lists the statuses in the order of an appeal's life.
var Statuses = []string{StatusRegistered, StatusInProgress, StatusAwaitingApproval, StatusAnswered,
	StatusForwarded, StatusReturned, StatusNotConsidered}

// Closed lists the statuses of appeals removed from control.
var Closed = []string{StatusAnswered, StatusForwarded, StatusReturned, StatusNotConsidered}

// Channels the registry itself names: the portal, and personal reception (internal/reception registers
// the appeals made there).
const (
	ChannelPortal    = "portal"
	ChannelReception = "reception"
)

// Types of appeal (the classifier's codes; thanks and greetings count as proposals).
const (
	TypeProposal    = "proposal"
	TypeApplication = "application"
	TypeComplaint   = "complaint"
)

// Results of consideration (the classifier's 9.x codes): a reply gives one of the first three to each
// question; routing closes an appeal with one of the others.
const (
	ResultResolved      = "resolved"
	ResultRefused       = "refused"
	ResultExplained     = "explained"
	ResultReturned      = "returned"
	ResultForwarded     = "forwarded"
	ResultNotConsidered = "not_considered"
)

// Natures.
const (
	NatureIndividual = "individual"
	NatureCollective = "collective"
	NatureAnonymous  = "anonymous"
)

// Event kinds on an appeal's timeline.
const (
	EventRegistered   = "registered"
	EventAnswered     = "answered"
	EventFromPetition = "from_petition" // registered from a petition that did not reach its threshold
)

// DefaultTermDays is the legal maximum for considering an appeal (Law 393/96-ВР, Art. 20), in calendar days.
const DefaultTermDays = 30

// Appeal is the registration card of one appeal.
type Appeal struct {
	ID                 int64
	RegIndex           string
	RegYear            int
	RegSeq             int
	ReceivedAt         time.Time
	Channel            string
	ExternalRef        string     // the sender's number and date as the card shows them (derived from the two below when given)
	SourceID           *int64     // the system the appeal came from (internal/source), when it came from one
	ExternalNumber     string     // its number there: with the source, it names the card for ever (unique)
	ExternalDate       *time.Time // its date there, a calendar date (midnight UTC)
	Type               string
	Nature             string
	Signers            int
	Sign               string
	DocumentKind       string
	PersonID           *int64
	AuthorLastName     string
	AuthorFirstName    string
	AuthorPatronymic   string
	AuthorAddress      string
	AuthorEmail        string
	AuthorPhone        string
	AuthorGender       string
	AuthorCategories   string // codes separated by ";"
	AuthorSocialStatus string
	Priority           bool
	Summary            string
	Status             string
	DueDate            time.Time // a calendar date, midnight UTC
	Result             string
	AnsweredAt         *time.Time
	AnswerText         string
	DepartmentID       *int64 // the lead executor, once routed
	Simple             bool   // needs no extra study: due in 15 days (Art. 20)
	Resolution         string // the head's resolution
	ResolutionBy       *int64
	ExecutorID         *int64 // the executor named within the lead department, if any
	ForwardedTo        string // the competent body an appeal was forwarded to
	AnswerOutNumber    string // the answer's outgoing number
	ClosedBy           *int64 // who removed the appeal from control
	RelatedAppealID    *int64 // the earlier appeal a repeat or duplicate one points at
	SignProposed       bool   // the registry proposed the sign (a portal e-appeal); no one on staff has confirmed it yet
	LateReason         string // why the appeal was forwarded or returned after its term (terms.go)
	TermBreach         bool   // forwarded or returned after its term: derived (derive.go)
	Uncontrolled       bool   // not under deadline control: an anonymous appeal, unless the head takes it under control
	RemindedDays       *int   // the last deadline reminder sent, in days before the due date
	SearchText         string // lower-cased index, author and summary: what staff search (staff.go)
	AuthorKey          string // normalised name and address: finds the author's earlier appeals (repeat.go)
	ReplyBy            string // how the author is answered: a Delivery (letters.go); set by derive when empty
	SettlementID       *int64 // the author's settlement: matched from the address at registration (derive.go) or chosen by the registrar; nil: not determined
	// Where the problem is, when the appeal places it (Open311, place.go): public, unlike the author's address.
	PlaceLatitude     *float64
	PlaceLongitude    *float64
	PlaceAddress      string
	PlaceSettlementID *int64 // matched from PlaceAddress at registration; nil: not determined
	ServiceCode       string // the public service (Open311) it was reported under; "" for other appeals
	CreatedAt         time.Time
	UpdatedAt         time.Time

	Questions   []Question   `gorm:"foreignKey:AppealID"`
	CoExecutors []CoExecutor `gorm:"foreignKey:AppealID"`
	Events      []Event      `gorm:"foreignKey:AppealID"`
	Attachments []Attachment `gorm:"foreignKey:AppealID"`
	ReplyFiles  []Attachment `gorm:"-"` // the approved reply's files, as the author sees them

	// What a step's letters add, kept for the step's transaction (letters.go): their timeline lines,
	// written after the step's own, and their outgoing numbers, named in the step's audit line.
	letterEvents []Event
	outNumbers   []string
}

// UnderDeadlineControl tells whether the appeal has a due date to meet now: it is not yet removed from
// control (closed) and not out of deadline control (an anonymous appeal, Art. 8).
func (a *Appeal) UnderDeadlineControl() bool {
	return !a.Uncontrolled && slices.Contains(underControl, a.Status)
}

// AuthorName is the author's full name as registered.
func (a *Appeal) AuthorName() string {
	return strings.Join(strings.Fields(a.AuthorLastName+" "+a.AuthorFirstName+" "+a.AuthorPatronymic), " ")
}

// CategoryCodes returns the author's categories.
func (a *Appeal) CategoryCodes() []string {
	if a.AuthorCategories == "" {
		return nil
	}
	return strings.Split(a.AuthorCategories, ";")
}

// Question is one question raised in an appeal, with its subject code.
type Question struct {
	ID          int64
	AppealID    int64
	Position    int
	SubjectCode string
	Text        string
	Result      string
}

// Event is one entry of an appeal's timeline.
type Event struct {
	ID            int64
	AppealID      int64
	OccurredAt    time.Time
	Kind          string
	ActorPersonID *int64
	Note          string
	audit         string // more for the step's audit line than the index and the kind (codes, never personal data)
}

// TableName keeps the table name explicit.
func (Event) TableName() string { return "appeal_events" }

// Attachment is a file attached to an appeal; the bytes live in the attachment store under SHA256.
type Attachment struct {
	ID          int64
	AppealID    int64
	FileName    string
	ContentType string
	SizeBytes   int64
	SHA256      string `gorm:"column:sha256"`
	ReplyID     *int64 // set for the files of a reply
	CreatedAt   time.Time
}

// TableName keeps the table name explicit.
func (Attachment) TableName() string { return "appeal_attachments" }

// TableName keeps the table name explicit.
func (Question) TableName() string { return "appeal_questions" }

// CoExecutor is a department that helps the lead one with an appeal.
type CoExecutor struct {
	AppealID     int64 `gorm:"primaryKey;autoIncrement:false"`
	DepartmentID int64 `gorm:"primaryKey;autoIncrement:false"`
}

// TableName keeps the table name explicit.
func (CoExecutor) TableName() string { return "appeal_co_executors" }

// Reply states: submitted by the executor, then approved or sent back by the head.
const (
	ReplySubmitted = "submitted"
	ReplyApproved  = "approved"
	ReplySentBack  = "sent_back"
)

// Reply is an executor's draft answer to an appeal; only an approved one reaches the author.
type Reply struct {
	ID               int64
	AppealID         int64
	AuthorPersonID   int64
	Text             string
	OutNumber        string
	State            string
	ReviewNote       string
	ReviewerPersonID *int64
	CreatedAt        time.Time
	ReviewedAt       *time.Time

	Results     []ReplyResult `gorm:"foreignKey:ReplyID"`
	Attachments []Attachment  `gorm:"foreignKey:ReplyID"`
}

// TableName keeps the table name explicit.
func (Reply) TableName() string { return "appeal_replies" }

// ReplyResult is the result a reply gives one question.
type ReplyResult struct {
	ReplyID    int64 `gorm:"primaryKey;autoIncrement:false"`
	QuestionID int64 `gorm:"primaryKey;autoIncrement:false"`
	Result     string
}

// TableName keeps the table name explicit.
func (ReplyResult) TableName() string { return "appeal_reply_results" }

// counter is the yearly registration sequence.
type counter struct {
	Year    int `gorm:"primaryKey;autoIncrement:false"`
	LastSeq int
}

func (counter) TableName() string { return "registry_counters" }

// Models lists the tables this package owns, for the schema test.
func Models() []any {
	return []any{&Appeal{}, &Question{}, &Event{}, &Attachment{}, &counter{}, &CoExecutor{}, &Reply{}, &ReplyResult{},
		&Letter{}, &outCounter{}, &StatusChange{}, &idempotencyRecord{}}
}

// Package petition is the community's local e-petitions (Law 393/96-ВР, Art. 23-1): creation,
// moderation, signing once per person, counting, the threshold, consideration and the answer, expiry.
// It owns the petition tables and every query on them.
package petition

import "time"

// States of a petition.
const (
	StateModeration    = "moderation"    // waiting for a moderator (2 working days)
	StateRejected      = "rejected"      // not published, with the reason
	StateCollecting    = "collecting"    // published, collecting signatures
	StateConsideration = "consideration" // threshold reached: the council considers it (10 working days)
	StateAnswered      = "answered"      // the answer is published
	StateExpired       = "expired"       // not enough signatures: registered as a collective appeal
	StateArchived      = "archived"      // not enough signatures: archived
)

// Answer kinds.
const (
	AnswerSupported    = "supported"
	AnswerNotSupported = "not_supported"
	AnswerPartly       = "partly"
)

// Event kinds on a petition's history.
const (
	EventCreated          = "created"
	EventCorrected        = "corrected"
	EventPublished        = "published"
	EventRejected         = "rejected"
	EventThresholdReached = "threshold_reached"
	EventAnswered         = "answered"
	EventExpired          = "expired"
	EventArchived         = "archived"
	// EventModerationReminder is internal: the moderators were told the moderation limit is near.
	EventModerationReminder = "moderation_reminder"
)

// Petition is one e-petition.
type Petition struct {
	ID                 int64
	AuthorPersonID     int64
	AuthorName         string
	AuthorEmail        string
	Title              string
	Text               string
	SubjectCode        string
	SearchTitle        string // lower-cased title, for search on every database
	SearchText         string // lower-cased title and text
	File               File   `gorm:"embedded;embeddedPrefix:file_"`
	State              string
	Threshold          int
	CollectionDays     int
	CreatedAt          time.Time
	ModerationDue      time.Time // a calendar date
	PublishedAt        *time.Time
	CollectionEndsAt   *time.Time
	ThresholdReachedAt *time.Time
	ConsiderationDue   *time.Time // a calendar date
	RejectionReason    string
	RejectionText      string
	AnswerKind         string
	AnswerText         string
	AnsweredAt         *time.Time
	AnswerFile         File `gorm:"embedded;embeddedPrefix:answer_file_"`
	SignatureCount     int  // recounted in batches for lists (see freshCounts); pages count live (see Count)
	CountedAt          *time.Time
	AppealID           *int64
	UpdatedAt          time.Time
	DaysLeft           int `gorm:"-"` // of collection, as DaysLeft counts them; set on listed petitions
}

// Percent is how much of the threshold the count shown reached, at most 100.
func (p Petition) Percent() int { return min(100, p.SignatureCount*100/max(p.Threshold, 1)) }

// File is an attachment kept in the attachment store; an empty SHA256 means none.
type File struct {
	Name   string
	SHA256 string `gorm:"column:sha256"`
	Type   string
	Size   int64
}

// Public says whether anyone may see the petition (moderation and rejection are the author's business).
func (p *Petition) Public() bool { return p.State != StateModeration && p.State != StateRejected }

// Signature is one person's signature; only the name is ever shown.
type Signature struct {
	ID         int64
	PetitionID int64
	PersonID   int64
	SignerKey  string
	SignerName string
	SignedAt   time.Time
	// SettlementID is the settlement of the community the signer's address named when they signed; nil
	// when it named none (or before signatures kept it).
	SettlementID *int64
}

// TableName keeps the table name explicit.
func (Signature) TableName() string { return "petition_signatures" }

// Event is one entry of a petition's history.
type Event struct {
	ID            int64
	PetitionID    int64
	OccurredAt    time.Time
	Kind          string
	ActorPersonID *int64
	Note          string
}

// TableName keeps the table name explicit.
func (Event) TableName() string { return "petition_events" }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Petition{}, &Signature{}, &Event{}} }

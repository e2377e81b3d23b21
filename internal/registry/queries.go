package registry

import (
	"context"
	"errors"
	"os"
	"strings"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
)

// splitReplyFiles separates the files of the appeal from the files of its approved reply.
func splitReplyFiles(all []Attachment) (own, reply []Attachment) {
	for _, f := range all {
		if f.ReplyID == nil {
			own = append(own, f)
		} else {
			reply = append(reply, f)
		}
	}
	return own, reply
}

// citizenSees keeps the files of replies still in the works from the author: only the files of the
// appeal itself and of the approved reply are theirs to see.
const citizenSees = "(appeal_attachments.reply_id IS NULL OR EXISTS (SELECT 1 FROM appeal_replies r WHERE r.id = appeal_attachments.reply_id AND r.state = 'approved'))"

// AppealsOfPerson lists a citizen's own appeals, newest first, with their questions.
func (s *Service) AppealsOfPerson(ctx context.Context, personID int64) ([]Appeal, error) {
	var list []Appeal
	err := s.db.WithContext(ctx).
		Preload("Questions", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Where("person_id = ?", personID).
		Order("received_at DESC, id DESC").
		Limit(500).
		Find(&list).Error
	return list, err
}

// AppealOfPerson returns one of the citizen's own appeals with its questions, timeline and attachments.
// Someone else's appeal is NotFound, exactly like one that does not exist.
func (s *Service) AppealOfPerson(ctx context.Context, personID, appealID int64) (*Appeal, error) {
	var a Appeal
	err := s.db.WithContext(ctx).
		Preload("Questions", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Preload("Events", func(db *gorm.DB) *gorm.DB { return db.Order("occurred_at, id") }).
		Preload("Attachments", func(db *gorm.DB) *gorm.DB { return db.Where(citizenSees).Order("id") }).
		Where("id = ? AND person_id = ?", appealID, personID).
		Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	a.Attachments, a.ReplyFiles = splitReplyFiles(a.Attachments)
	// The author follows the appeal's course, not the office's inner work: drafts and remarks on them
	// stay inside, and a resolution shows only where the appeal went.
	events := a.Events[:0]
	for _, e := range a.Events {
		switch e.Kind {
		case EventReplySubmitted, EventReplySentBack, EventSignCorrected, EventSignConfirmed, EventSettlement:
			continue // the registry's own records (the sign of receipt, the settlement), not steps in the author's case
		case EventAssigned:
			e.Note, _, _ = strings.Cut(e.Note, "\n")
		}
		events = append(events, e)
	}
	a.Events = events
	return &a, nil
}

// AttachmentOfPerson opens an attachment of one of the citizen's own appeals.
func (s *Service) AttachmentOfPerson(ctx context.Context, personID, appealID, attachmentID int64) (*Attachment, *os.File, error) {
	var att Attachment
	err := s.db.WithContext(ctx).
		Joins("JOIN appeals ON appeals.id = appeal_attachments.appeal_id").
		Where("appeal_attachments.id = ? AND appeal_attachments.appeal_id = ? AND appeals.person_id = ?",
			attachmentID, appealID, personID).
		Where(citizenSees).
		Take(&att).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, nil, err
	}
	f, err := s.files.Open(att.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return &att, f, nil
}

// AppealForStaff returns any appeal's registration card with its questions, timeline and attachments.
func (s *Service) AppealForStaff(ctx context.Context, appealID int64) (*Appeal, error) {
	var a Appeal
	err := s.db.WithContext(ctx).
		Preload("Questions", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Preload("Events", func(db *gorm.DB) *gorm.DB { return db.Order("occurred_at, id") }).
		Preload("Attachments", func(db *gorm.DB) *gorm.DB { return db.Where("reply_id IS NULL").Order("id") }).
		Preload("CoExecutors").
		Where("id = ?", appealID).
		Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	// Every opening of a card with personal data is logged.
	if err := audit.Record(ctx, s.db, "appeal.view", "appeal", a.ID, a.RegIndex); err != nil {
		return nil, err
	}
	return &a, nil
}

// AttachmentForStaff opens an attachment of any appeal.
func (s *Service) AttachmentForStaff(ctx context.Context, appealID, attachmentID int64) (*Attachment, *os.File, error) {
	var att Attachment
	err := s.db.WithContext(ctx).
		Where("id = ? AND appeal_id = ?", attachmentID, appealID).
		Take(&att).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, nil, err
	}
	if err := audit.Record(ctx, s.db, "appeal.attachment_view", "appeal", appealID, att.FileName); err != nil {
		return nil, nil, err
	}
	f, err := s.files.Open(att.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return &att, f, nil
}

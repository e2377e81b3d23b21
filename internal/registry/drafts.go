package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/errs"
)

// DraftLifetime is how long an e-appeal waits at the "check your answers" step: long enough to find a
// document and come back, short enough that a forgotten draft does not greet its author next month.
const DraftLifetime = 24 * time.Hour

// DraftFile is a file of a draft, already in the attachment store: the check step keeps the file, not
// the browser, so "змінити" and "Надіслати" never ask for it again.
type DraftFile struct {
	Name        string
	ContentType string
	Size        int64
	SHA256      string
}

// Draft is an e-appeal between its form and "Надіслати": the form's fields as the form's package wrote
// them (opaque here) and the files stored so far.
type Draft struct {
	Form      json.RawMessage
	Files     []DraftFile
	UpdatedAt time.Time
}

// draftRow is a draft as the appeal_drafts table keeps it.
type draftRow struct {
	PersonID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Form      string
	Files     string
	UpdatedAt time.Time
}

func (draftRow) TableName() string { return "appeal_drafts" }

// StoreDraftFiles stores uploaded files for a draft; a file refused for its type or size is an Invalid
// error on the attachments field, as it is at registration.
func (s *Service) StoreDraftFiles(uploads []Upload) ([]DraftFile, error) {
	atts, err := s.saveFiles(uploads)
	if err != nil {
		return nil, err
	}
	files := make([]DraftFile, 0, len(atts))
	for _, a := range atts {
		files = append(files, DraftFile{Name: a.FileName, ContentType: a.ContentType, Size: a.SizeBytes, SHA256: a.SHA256})
	}
	return files, nil
}

// DraftUploads are the draft's files as uploads for RegisterInput: read back from the store, stored again
// under the same hash (the store keeps one copy).
func (s *Service) DraftUploads(files []DraftFile) []Upload {
	out := make([]Upload, 0, len(files))
	for _, f := range files {
		out = append(out, Upload{Name: f.Name, Size: f.Size, Open: func() (io.ReadCloser, error) { return s.files.Open(f.SHA256) }})
	}
	return out
}

// SaveDraft keeps the person's draft, replacing the one before, and removes every draft past its lifetime.
func (s *Service) SaveDraft(ctx context.Context, personID int64, d Draft) error {
	files, err := json.Marshal(d.Files)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	row := draftRow{PersonID: personID, Form: string(d.Form), Files: string(files), UpdatedAt: now}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("updated_at < ?", now.Add(-DraftLifetime)).Delete(&draftRow{}).Error; err != nil {
			return fmt.Errorf("expired drafts: %w", err)
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "person_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"form", "files", "updated_at"})}).Create(&row).Error
	})
}

// DraftOf is the person's draft; none, or one past its lifetime, is NotFound.
func (s *Service) DraftOf(ctx context.Context, personID int64) (*Draft, error) {
	var row draftRow
	err := s.db.WithContext(ctx).Where("person_id = ? AND updated_at >= ?", personID, s.clock.Now().Add(-DraftLifetime)).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	d := &Draft{Form: json.RawMessage(row.Form), UpdatedAt: row.UpdatedAt}
	if err := json.Unmarshal([]byte(row.Files), &d.Files); err != nil {
		return nil, fmt.Errorf("draft files: %w", err)
	}
	return d, nil
}

// DropDraft forgets the person's draft (the form's "start again").
func (s *Service) DropDraft(ctx context.Context, personID int64) error {
	return s.db.WithContext(ctx).Where("person_id = ?", personID).Delete(&draftRow{}).Error
}

// ErrDraftGone is the Conflict of sending a draft that is no longer there: sent already (a second click
// on "Надіслати", another tab) or expired.
const ErrDraftGone = "appeal.error.draft_gone"

// takeDraft deletes the draft an appeal is registered from (FromDraft) inside the registering
// transaction: of two sends of one draft only the first finds it, so one draft is never registered twice.
func takeDraft(tx *gorm.DB, in *RegisterInput) error {
	if !in.FromDraft || in.PersonID == nil {
		return nil
	}
	res := tx.Where("person_id = ?", *in.PersonID).Delete(&draftRow{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.Conflict, ErrDraftGone)
	}
	return nil
}

// ExpireDrafts removes the drafts past their lifetime: the form of an appeal never sent is not kept
// (their files then go with the attachments' sweep, FilesInUse). It returns how many it removed.
func (s *Service) ExpireDrafts(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("updated_at < ?", s.clock.Now().Add(-DraftLifetime)).Delete(&draftRow{})
	if res.Error != nil {
		return 0, fmt.Errorf("expire drafts: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// FilesInUse tells which of the stored files sums an appeal's attachment or a draft names, for the
// attachments' sweep (attachment.Store.Sweep).
func (s *Service) FilesInUse(ctx context.Context, sums []string) (map[string]bool, error) {
	used := map[string]bool{}
	var named []string
	if err := s.db.WithContext(ctx).Model(&Attachment{}).Where("sha256 IN ?", sums).Distinct().
		Pluck("sha256", &named).Error; err != nil {
		return nil, fmt.Errorf("attachments in use: %w", err)
	}
	for _, sum := range named {
		used[sum] = true
	}
	// Drafts are few (one a person, a day at most) and keep their files as JSON: read them all.
	var drafts []string
	if err := s.db.WithContext(ctx).Model(&draftRow{}).Pluck("files", &drafts).Error; err != nil {
		return nil, fmt.Errorf("drafts' files: %w", err)
	}
	for _, text := range drafts {
		var files []DraftFile
		if err := json.Unmarshal([]byte(text), &files); err != nil {
			return nil, fmt.Errorf("draft files: %w", err)
		}
		for _, f := range files {
			used[f.SHA256] = true
		}
	}
	return used, nil
}

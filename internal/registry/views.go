package registry

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/errs"
)

// MaxSavedViews bounds the filters one person keeps: the journal lists them all above the table.
const MaxSavedViews = 30

// SavedView is a journal filter a person saved under a name of their own: the query string as the
// staff area's filter reader normalised it.
type SavedView struct {
	ID        int64
	PersonID  int64
	Name      string
	Query     string
	CreatedAt time.Time
}

// TableName keeps the table name explicit.
func (SavedView) TableName() string { return "saved_views" }

// SavedViews lists the person's saved filters by name.
func (s *Service) SavedViews(ctx context.Context, personID int64) ([]SavedView, error) {
	var list []SavedView
	if err := s.db.WithContext(ctx).Where("person_id = ?", personID).Order("name, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("saved views: %w", err)
	}
	return list, nil
}

// SavedView is one of the person's saved filters; someone else's is not found, as if it did not exist.
func (s *Service) SavedView(ctx context.Context, personID, id int64) (*SavedView, error) {
	var v SavedView
	err := s.db.WithContext(ctx).Where("id = ? AND person_id = ?", id, personID).Take(&v).Error
	if err == gorm.ErrRecordNotFound {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("saved view: %w", err)
	}
	return &v, nil
}

// SaveView keeps the filter under the name for the person; a name they already use gets the new filter.
// name and query come checked from the edge (the name a line of text, the query the filter reader's
// normal form). A person keeps at most MaxSavedViews.
func (s *Service) SaveView(ctx context.Context, personID int64, name, query string) (*SavedView, error) {
	if name == "" {
		return nil, errs.Validation{"name": "journal.views.error.name"}.Err()
	}
	v := &SavedView{PersonID: personID, Name: name, Query: query, CreatedAt: time.Now().UTC()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&SavedView{}).Where("person_id = ? AND name <> ?", personID, name).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxSavedViews {
			return errs.Validation{"name": "journal.views.error.too_many"}.Err()
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "person_id"}, {Name: "name"}},
			DoUpdates: clause.AssignmentColumns([]string{"query"})}).Create(v).Error
	})
	if errs.Is(err, errs.Invalid) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("save view: %w", err)
	}
	return v, nil
}

// DeleteView removes one of the person's saved filters; someone else's is not found.
func (s *Service) DeleteView(ctx context.Context, personID, id int64) error {
	res := s.db.WithContext(ctx).Where("id = ? AND person_id = ?", id, personID).Delete(&SavedView{})
	if res.Error != nil {
		return fmt.Errorf("delete view: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.NotFound, "error.not_found")
	}
	return nil
}

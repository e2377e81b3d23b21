package registry

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/paper"
)

// LettersToAuthor lists the letters written to the author of the person's own appeal, in the order they
// were made (the answer among them): the official documents the author may download. A covering letter
// to another body is not theirs; someone else's appeal lists nothing.
func (s *Service) LettersToAuthor(ctx context.Context, personID, appealID int64) ([]Letter, error) {
	var list []Letter
	err := s.db.WithContext(ctx).
		Where("appeal_id = ? AND kind <> ?", appealID, paper.KindForwardedCover).
		Where("EXISTS (SELECT 1 FROM appeals WHERE appeals.id = outgoing_letters.appeal_id AND appeals.person_id = ?)", personID).
		Order("id").Find(&list).Error
	return list, err
}

// LetterToAuthor is one letter to the author of the person's own appeal; any other letter is NotFound.
func (s *Service) LetterToAuthor(ctx context.Context, personID, appealID, letterID int64) (*Letter, error) {
	var l Letter
	err := s.db.WithContext(ctx).
		Where("id = ? AND appeal_id = ? AND kind <> ?", letterID, appealID, paper.KindForwardedCover).
		Where("EXISTS (SELECT 1 FROM appeals WHERE appeals.id = outgoing_letters.appeal_id AND appeals.person_id = ?)", personID).
		Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &l, nil
}

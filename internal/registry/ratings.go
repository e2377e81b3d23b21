package registry

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
)

// MaxRatingComment bounds the comment of a rating, in characters.
const MaxRatingComment = 2000

// Rating is the author's view of the answer: satisfied or not, with an optional comment. One per appeal.
type Rating struct {
	AppealID  int64 `gorm:"primaryKey;autoIncrement:false"`
	PersonID  int64
	Satisfied bool
	Comment   string
	CreatedAt time.Time
}

// TableName keeps the table name explicit.
func (Rating) TableName() string { return "appeal_ratings" }

// Rateable tells whether the author may rate the appeal's answer now: it is answered on the merits.
func (a *Appeal) Rateable() bool { return a.Status == StatusAnswered }

// Messages of the refusals of a rating.
const (
	ErrRatingTaken       = "rating.error.taken"        // the answer is rated already
	ErrRatingNotAnswered = "rating.error.not_answered" // nothing to rate yet
)

// RateAnswer keeps the author's rating of the answer to their own appeal, with its audit line, in one
// transaction. Someone else's appeal is NotFound; an appeal not answered, or rated already, a Conflict:
// the first rating stands, so the report counts each answer once.
func (s *Service) RateAnswer(ctx context.Context, personID, appealID int64, satisfied bool, comment string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var a Appeal
		err := tx.Select("id", "reg_index", "status").Where("id = ? AND person_id = ?", appealID, personID).Take(&a).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errs.New(errs.NotFound, "error.not_found")
		}
		if err != nil {
			return err
		}
		if !a.Rateable() {
			return errs.New(errs.Conflict, ErrRatingNotAnswered)
		}
		r := Rating{AppealID: a.ID, PersonID: personID, Satisfied: satisfied, Comment: comment, CreatedAt: s.clock.Now()}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&r)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.Conflict, ErrRatingTaken)
		}
		detail := "satisfied=false"
		if satisfied {
			detail = "satisfied=true"
		}
		if comment != "" {
			detail += " comment" // that there is one; its words are the author's and stay in the rating
		}
		return audit.Record(ctx, tx, "appeal.rate", "appeal", a.ID, a.RegIndex+" "+detail)
	})
}

// RatingOf is the rating of the appeal's answer; ok is false when the author has not rated it.
func (s *Service) RatingOf(ctx context.Context, appealID int64) (r Rating, ok bool, err error) {
	err = s.db.WithContext(ctx).Where("appeal_id = ?", appealID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Rating{}, false, nil
	}
	return r, err == nil, err
}

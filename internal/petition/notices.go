package petition

import (
	"context"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/notify"
)

const fanoutSignatories = "petition_signatories"

func (s *Service) petitionData(p *Petition, extra map[string]any) map[string]any {
	data := map[string]any{"Name": p.AuthorName, "Title": p.Title, "Number": strconv.FormatInt(p.ID, 10)}
	for k, v := range extra {
		data[k] = v
	}
	return data
}

// tellAuthor sends the author a notice about their petition inside tx.
func (s *Service) tellAuthor(ctx context.Context, tx *gorm.DB, p *Petition, kind notify.Kind, extra map[string]any) error {
	if s.notify == nil {
		return nil
	}
	author := p.AuthorPersonID
	return s.notify.Notify(ctx, tx, notify.Notice{Kind: kind, PersonID: &author, To: p.AuthorEmail,
		Path: fmt.Sprintf("/petitions/%d", p.ID), Data: s.petitionData(p, extra)})
}

// tellThreshold tells the author and the moderators that the petition reached its threshold.
func (s *Service) tellThreshold(ctx context.Context, tx *gorm.DB, p *Petition) error {
	if s.notify == nil {
		return nil
	}
	due := ""
	if p.ConsiderationDue != nil {
		due = p.ConsiderationDue.Format("02.01.2006")
	}
	extra := map[string]any{"Threshold": p.Threshold, "Due": due}
	if err := s.tellAuthor(ctx, tx, p, notify.PetitionThreshold, extra); err != nil {
		return err
	}
	if s.staffFor == nil {
		return nil
	}
	staff, err := s.staffFor(ctx, tx)
	if err != nil {
		return err
	}
	for _, st := range staff {
		id := st.PersonID
		err := s.notify.Notify(ctx, tx, notify.Notice{Kind: notify.PetitionThresholdStaff, PersonID: &id, To: st.Email,
			Path: fmt.Sprintf("/admin/petitions/%d", p.ID), Data: s.petitionData(p, extra)})
		if err != nil {
			return err
		}
	}
	return nil
}

// signatoryNotices is the fan-out behind an answer: the author first, then the signatories in pages of
// batch, each page written in one transaction of the background job.
func (s *Service) signatoryNotices(ctx context.Context, tx *gorm.DB, petitionID, after int64, batch int) ([]notify.Notice, int64, error) {
	var p Petition
	if err := tx.Take(&p, petitionID).Error; err != nil {
		return nil, 0, err
	}
	extra := map[string]any{"AnswerKind": p.AnswerKind, "Answer": p.AnswerText}
	var out []notify.Notice
	if after == 0 {
		author := p.AuthorPersonID
		out = append(out, notify.Notice{Kind: notify.PetitionAnswered, PersonID: &author, To: p.AuthorEmail,
			Path: fmt.Sprintf("/petitions/%d", p.ID), Data: s.petitionData(&p, extra)})
	}
	var rows []struct {
		ID       int64
		PersonID int64
		Name     string
		Email    string
	}
	err := tx.Table("petition_signatures AS s").
		Select("s.id, s.person_id, s.signer_name AS name, persons.email").
		Joins("JOIN persons ON persons.id = s.person_id").
		Where("s.petition_id = ? AND s.id > ? AND s.person_id <> ?", petitionID, after, p.AuthorPersonID).
		Order("s.id").Limit(batch).Scan(&rows).Error
	if err != nil {
		return nil, 0, err
	}
	last := after
	for _, r := range rows {
		id := r.PersonID
		data := s.petitionData(&p, extra)
		data["Name"] = r.Name
		out = append(out, notify.Notice{Kind: notify.PetitionAnsweredSignatory, PersonID: &id, To: r.Email,
			Path: fmt.Sprintf("/petitions/%d", p.ID), Data: data})
		last = r.ID
	}
	if len(rows) < batch {
		last = 0 // done
	}
	return out, last, nil
}

// RemindModerators tells the moderators, once per petition, about petitions whose moderation limit is
// today or the next working day. Run periodically by the queue's leader.
func (s *Service) RemindModerators(ctx context.Context) (int, error) {
	if s.notify == nil || s.staffFor == nil {
		return 0, nil
	}
	limit := s.cal.AddWorkingDays(s.today(), 1)
	var due []Petition
	err := s.db.WithContext(ctx).Where("state = ? AND moderation_due <= ?", StateModeration, limit).
		Where("NOT EXISTS (SELECT 1 FROM petition_events e WHERE e.petition_id = petitions.id AND e.kind = ?)", EventModerationReminder).
		Order("moderation_due, id").Limit(100).Find(&due).Error
	if err != nil {
		return 0, err
	}
	for i := range due {
		p := &due[i]
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := addEvent(tx, p.ID, EventModerationReminder, nil, "", s.now().UTC()); err != nil {
				return err
			}
			staff, err := s.staffFor(ctx, tx)
			if err != nil {
				return err
			}
			for _, st := range staff {
				id := st.PersonID
				err := s.notify.Notify(ctx, tx, notify.Notice{Kind: notify.PetitionModerationDue, PersonID: &id, To: st.Email,
					Path: fmt.Sprintf("/admin/petitions/%d", p.ID),
					Data: s.petitionData(p, map[string]any{"Due": p.ModerationDue.Format("02.01.2006")})})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return i, err
		}
	}
	return len(due), nil
}

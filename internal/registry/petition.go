package registry

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/petition"
)

// RegisterPetitionAppeal registers a petition that did not collect enough signatures as a collective
// appeal from its author, with the number of signers, inside the petition service's transaction.
func (s *Service) RegisterPetitionAppeal(ctx context.Context, tx *gorm.DB, in petition.PetitionAppeal) (int64, error) {
	last, first, patronymic := splitName(in.AuthorName)
	personID := in.AuthorPersonID
	a := appealOf(&RegisterInput{Channel: ChannelPortal, PersonID: &personID, LastName: last, FirstName: first,
		Patronymic: patronymic, Email: in.AuthorEmail, Type: TypeProposal, Nature: NatureCollective, Signers: in.Signers,
		Sign: SignPrimary, Summary: in.Title + "\n\n" + in.Text, ReceivedAt: in.ReceivedAt,
		Questions: []QuestionInput{{SubjectCode: in.SubjectCode, Text: in.Title}}})
	a.CreatedAt, a.UpdatedAt = a.ReceivedAt, a.ReceivedAt
	a.Events = []Event{{OccurredAt: a.ReceivedAt, Kind: EventFromPetition}}
	if err := s.number(tx, a); err != nil {
		return 0, err
	}
	s.derive(a)
	if err := tx.WithContext(ctx).Create(a).Error; err != nil {
		return 0, err
	}
	return a.ID, nil
}

// splitName splits "Прізвище Ім'я По батькові".
func splitName(full string) (last, first, patronymic string) {
	parts := strings.Fields(full)
	switch len(parts) {
	case 0:
		return "", "", ""
	case 1:
		return parts[0], "", ""
	case 2:
		return parts[0], parts[1], ""
	}
	return parts[0], parts[1], strings.Join(parts[2:], " ")
}

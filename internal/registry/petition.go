package registry

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/settlement"
)

// RegisterPetitionAppeal registers a petition that did not collect enough signatures as a collective
// appeal from its author, with the number of signers, inside the petition service's transaction. The
// author's address is the one their identity provider gave (a petition asks for none).
func (s *Service) RegisterPetitionAppeal(ctx context.Context, tx *gorm.DB, in petition.PetitionAppeal) (int64, error) {
	last, first, patronymic := splitName(in.AuthorName)
	personID := in.AuthorPersonID
	address, err := identity.AddressOf(ctx, tx, personID)
	if err != nil {
		return 0, err
	}
	a := appealOf(&RegisterInput{Channel: ChannelPortal, PersonID: &personID, LastName: last, FirstName: first,
		Patronymic: patronymic, Email: in.AuthorEmail, Address: address, Type: TypeProposal, Nature: NatureCollective, Signers: in.Signers,
		Sign: SignPrimary, Summary: in.Title + "\n\n" + in.Text, ReceivedAt: in.ReceivedAt,
		Questions: []QuestionInput{{SubjectCode: in.SubjectCode, Text: in.Title}}})
	a.CreatedAt, a.UpdatedAt = a.ReceivedAt, a.ReceivedAt
	a.Events = []Event{{OccurredAt: a.ReceivedAt, Kind: EventFromPetition}}
	if err := s.number(tx, a); err != nil {
		return 0, err
	}
	places, err := settlement.LoadIndex(ctx, tx, s.clf.SettlementKinds)
	if err != nil {
		return 0, err
	}
	s.deriveNew(a, places)
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

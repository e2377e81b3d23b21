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
	local := in.ReceivedAt.In(s.loc)
	personID := in.AuthorPersonID
	a := &Appeal{
		RegYear: local.Year(), ReceivedAt: in.ReceivedAt.UTC(), Channel: ChannelPortal, Type: "proposal",
		Nature: NatureCollective, Signers: in.Signers, Sign: "primary", DocumentKind: "electronic",
		PersonID: &personID, AuthorLastName: last, AuthorFirstName: first, AuthorPatronymic: patronymic,
		AuthorEmail: in.AuthorEmail, Summary: in.Title + "\n\n" + in.Text, Status: StatusRegistered,
		DueDate: DueDate(local, DefaultTermDays), CreatedAt: in.ReceivedAt.UTC(), UpdatedAt: in.ReceivedAt.UTC(),
		Questions: []Question{{Position: 1, SubjectCode: in.SubjectCode, Text: in.Title}},
		Events:    []Event{{OccurredAt: in.ReceivedAt.UTC(), Kind: EventFromPetition}},
	}
	seq, err := nextSeq(tx, a.RegYear)
	if err != nil {
		return 0, err
	}
	a.RegSeq = seq
	a.RegIndex = FormatIndex(s.pattern, a.AuthorLastName, a.Nature, local, seq)
	a.SearchText = searchText(a)
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

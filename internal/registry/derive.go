package registry

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/settlement"
)

// appealOf is the card of checked content: what the appeal says, received and registered, not yet
// numbered. The columns that follow from the content are derive's.
func appealOf(in *RegisterInput) *Appeal {
	a := &Appeal{
		ReceivedAt:         in.ReceivedAt.UTC(),
		ReplyBy:            in.ReplyBy,
		Channel:            in.Channel,
		Type:               in.Type,
		ExternalRef:        in.ExternalRef,
		SourceID:           in.SourceID,
		ExternalNumber:     strings.TrimSpace(in.ExternalNumber),
		ExternalDate:       in.ExternalDate,
		Nature:             in.Nature,
		Signers:            in.Signers,
		Sign:               in.Sign,
		RelatedAppealID:    in.RelatedAppealID,
		SettlementID:       in.SettlementID,
		DocumentKind:       in.DocumentKind,
		PersonID:           in.PersonID,
		AuthorLastName:     in.LastName,
		AuthorFirstName:    in.FirstName,
		AuthorPatronymic:   in.Patronymic,
		AuthorAddress:      in.Address,
		AuthorEmail:        in.Email,
		AuthorPhone:        in.Phone,
		AuthorGender:       in.Gender,
		AuthorCategories:   strings.Join(in.Categories, ";"),
		AuthorSocialStatus: in.SocialStatus,
		Summary:            in.Summary,
		Status:             StatusRegistered,
		PlaceLatitude:      in.Place.Latitude,
		PlaceLongitude:     in.Place.Longitude,
		PlaceAddress:       in.Place.Address,
		ServiceCode:        in.ServiceCode,
		Resolution:         in.Resolution,
		ResolutionBy:       in.ResolutionBy,
	}
	for i, q := range in.Questions {
		a.Questions = append(a.Questions, Question{Position: i + 1, SubjectCode: q.SubjectCode, Text: q.Text})
	}
	return a
}

// derive sets the columns that follow from what the card says: the search text, the author's key, the
// priority mark, how the author is answered, the document kind, the first due date, deadline control and
// the term breach. It is the one place they are computed, called right before every INSERT (registration,
// a petition's appeal, the import) and every save (the workflow), so a new way in cannot forget one.
//
// An explicit call rather than a GORM BeforeSave hook: the hook would need the service (the classifier,
// the zone) on the model, would run on Updates of a few columns with a half-loaded card, and would hide
// from the reader of an INSERT what is written.
//
// The document kind and the due date are set only while empty, and deadline control only on the INSERT:
// they are fixed at registration, and an extension or the 15-day mark moves the due date, the head's step
// takes an anonymous appeal under control, in the workflow. The rest is recomputed each time. The
// settlement, which needs the community's list, is deriveNew's.
func (s *Service) derive(a *Appeal) {
	if a.ID == 0 {
		// An anonymous appeal is registered but not considered on the merits (Art. 8): it has no deadline
		// to meet unless the head decides otherwise (StepControl).
		a.Uncontrolled = a.Nature == NatureAnonymous
	}
	a.TermBreach = s.breached(a)
	if a.ExternalRef == "" && a.ExternalNumber != "" {
		a.ExternalRef = externalRef(a.ExternalNumber, a.ExternalDate)
	}
	if a.DocumentKind == "" {
		ch, _ := s.clf.Channels.Get(a.Channel)
		a.DocumentKind = ch.DocumentKind
	}
	if a.DueDate.IsZero() {
		a.DueDate = s.dueAfter(a, DefaultTermDays)
	}
	a.ReplyBy = replyBy(a)
	a.Priority = s.hasPriority(a.CategoryCodes())
	a.SearchText = searchText(a)
	a.AuthorKey = authorKeyOf(a)
}

// deriveNew is derive for a card about to be inserted (registration, a petition's appeal, the import):
// first the settlement, found in the author's address among the community's active settlements (places,
// loaded in the inserting transaction) unless the registrar chose one; then the rest, as derive. The
// settlement is matched once: later saves keep it, whatever the list has become since, and the registrar
// corrects it on the card (SetSettlement). An address that names no settlement, or two alike, leaves it
// empty: "не визначено" in the report, never a guess.
func (s *Service) deriveNew(a *Appeal, places *settlement.Index) {
	if a.SettlementID == nil {
		a.SettlementID = places.Match(a.AuthorAddress)
	}
	if a.PlaceSettlementID == nil && a.PlaceAddress != "" {
		a.PlaceSettlementID = places.Match(a.PlaceAddress)
	}
	s.derive(a)
}

func (s *Service) hasPriority(categories []string) bool {
	for _, c := range categories {
		if it, ok := s.clf.Categories.Get(c); ok && it.Priority {
			return true
		}
	}
	return false
}

// searchText is what the staff search reads: lower-cased here, because SQLite cannot lower-case
// Cyrillic and a LIKE over one prepared column behaves the same on both databases.
func searchText(a *Appeal) string {
	return strings.ToLower(strings.Join([]string{a.RegIndex, a.AuthorName(), a.Summary}, " "))
}

// number gives a registered appeal the next number of its year of receipt (in the council's zone) and
// its index under the pattern, inside the registering transaction.
func (s *Service) number(tx *gorm.DB, a *Appeal) error {
	received := s.clock.Date(a.ReceivedAt)
	a.RegYear = received.Year()
	seq, err := nextSeq(tx, a.RegYear)
	if err != nil {
		return err
	}
	a.RegSeq = seq
	a.RegIndex = FormatIndex(s.pattern, a.AuthorLastName, a.Nature, received, seq)
	return nil
}

// nextSeq takes the next number of the year inside the caller's transaction. The row lock (PostgreSQL)
// or the write lock (SQLite) holds until commit, so concurrent registrations get consecutive numbers and
// a rollback gives its number back.
func nextSeq(tx *gorm.DB, year int) (int, error) {
	var seq int
	err := tx.Raw(`INSERT INTO registry_counters (year, last_seq) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last_seq = registry_counters.last_seq + 1
		RETURNING last_seq`, year).Scan(&seq).Error
	if err != nil {
		return 0, fmt.Errorf("next registration number: %w", err)
	}
	return seq, nil
}

// dueAfter is the date termDays after the appeal's day of receipt in the council's zone, brought to the
// working day before it when the council keeps no terms on days off (onWorkingDay).
func (s *Service) dueAfter(a *Appeal, termDays int) time.Time {
	return s.onWorkingDay(DueDate(s.clock.Date(a.ReceivedAt), termDays))
}

// DueDate is the calendar date termDays after the day of receipt (in the council's zone). Deadlines are
// calendar days and never move later for a weekend (the warning comes earlier instead).
func DueDate(receivedLocal time.Time, termDays int) time.Time {
	y, m, d := receivedLocal.Date()
	return time.Date(y, m, d+termDays, 0, 0, 0, 0, time.UTC)
}

// FormatIndex renders the registration index pattern: {letter} is the first letter of the author's
// surname, "КО" for a collective and "БП" for an anonymous appeal; {seq} the yearly number; {year}, {yy}.
func FormatIndex(pattern, lastName, nature string, local time.Time, seq int) string {
	letter := "БП"
	switch {
	case nature == NatureCollective:
		letter = "КО"
	case nature == NatureAnonymous:
	default:
		if r, _ := utf8.DecodeRuneInString(strings.TrimSpace(lastName)); r != utf8.RuneError {
			letter = string(unicode.ToUpper(r))
		}
	}
	return strings.NewReplacer(
		"{letter}", letter,
		"{seq}", strconv.Itoa(seq),
		"{year}", strconv.Itoa(local.Year()),
		"{yy}", fmt.Sprintf("%02d", local.Year()%100),
	).Replace(pattern)
}

// externalRef is a source's number and date as the card shows them: "№ 1545-100 від 04.03.2024".
func externalRef(number string, date *time.Time) string {
	ref := "№ " + number
	if date != nil {
		ref += " від " + date.UTC().Format("02.01.2006")
	}
	return ref
}

package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// Signs of receipt that point at an earlier appeal.
const (
	SignPrimary   = "primary"
	SignRepeat    = "repeat"    // the same author on a question already raised
	SignDuplicate = "duplicate" // the same appeal arriving by another channel
)

// auditRegister is the audit log's action for a registration. A raw string: a code, not a message id.
const auditRegister = `appeal.register`

// maxEarlier caps the earlier appeals a form shows: enough to recognise a repeat, few enough to read.
const maxEarlier = 20

// summaryStart is how much of an earlier appeal's text the form shows, in characters.
const summaryStart = 160

// apostrophes are the characters Ukrainian names and street names are typed with in place of the
// apostrophe (Дем'яненко, Демʼяненко, Дем’яненко, Дем`яненко): all are dropped from the key.
const apostrophes = "'’ʼ`‘′´ʹ"

// normalise makes the comparable form of a name or an address: composed Unicode, lower case (in Go,
// so Cyrillic folds on SQLite too), apostrophes dropped, every run of punctuation and spaces one space.
// "вул.Соборна,12" and "Вул. соборна 12" become the same "вул соборна 12".
func normalise(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(norm.NFC.String(s)) {
		switch {
		case strings.ContainsRune(apostrophes, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if gap && b.Len() > 0 {
				b.WriteByte(' ')
			}
			gap = false
			b.WriteRune(r)
		default:
			gap = true
		}
	}
	return b.String()
}

// AuthorKey is the key an appeal's author is recognised by without an identity: surname, given name
// and address, normalised. The patronymic is left out because registrars often do not get it on the
// telephone; EarlierAppeals compares it when both appeals have one. "" when the surname or the address
// is missing: an anonymous author cannot be recognised.
func AuthorKey(lastName, firstName, address string) string {
	name, addr := normalise(lastName+" "+firstName), normalise(address)
	if name == "" || addr == "" {
		return ""
	}
	return name + "|" + addr
}

func authorKeyOf(a *Appeal) string {
	return AuthorKey(a.AuthorLastName, a.AuthorFirstName, a.AuthorAddress)
}

// AuthorQuery describes the author of a new appeal, to find their earlier ones.
type AuthorQuery struct {
	PersonID                        *int64 // the signed-in author, when known
	LastName, FirstName, Patronymic string
	Address                         string
	// Of a registered appeal: its own id, left out, and its receipt, after which nothing is earlier.
	Except   int64
	Received time.Time
}

// EarlierAppeal is one of the author's earlier appeals, as the registrar's form lists it.
type EarlierAppeal struct {
	ID           int64
	RegIndex     string
	ReceivedAt   time.Time
	Status       string
	Channel      string
	Sign         string
	SummaryStart string // the first characters of the text, with an ellipsis when cut
	ByIdentity   bool   // the same signed-in person, not only the same name and address
	DueDate      time.Time
	Result       string
	Subjects     []string // the subject codes of its questions, in their order
}

// EarlierAppeals finds the author's earlier appeals, newest first: those of the same signed-in person,
// and those with the same normalised surname, given name and address (and the same patronymic where
// both have one). Nothing is searched for an author with neither an identity nor a key.
func (s *Service) EarlierAppeals(ctx context.Context, q AuthorQuery) ([]EarlierAppeal, error) {
	key := AuthorKey(q.LastName, q.FirstName, q.Address)
	if key == "" && q.PersonID == nil {
		return nil, nil
	}
	var rows []struct {
		ID                          int64
		RegIndex                    string
		ReceivedAt                  time.Time
		Status, Channel, Sign       string
		Summary                     string
		PersonID                    *int64
		AuthorPatronymic, AuthorKey string
		DueDate                     time.Time
		Result                      string
	}
	db := s.db.WithContext(ctx)
	cond := db.Where("1 = 0")
	if key != "" {
		cond = cond.Or("author_key = ?", key)
	}
	if q.PersonID != nil {
		cond = cond.Or("person_id = ?", *q.PersonID)
	}
	query := db.Model(&Appeal{}).
		Select("id, reg_index, received_at, status, channel, sign, SUBSTR(summary, 1, ?) AS summary, person_id, author_patronymic, author_key, due_date, result", summaryStart+1).
		Where(cond)
	if q.Except != 0 {
		query = query.Where("id <> ?", q.Except)
	}
	if !q.Received.IsZero() {
		query = query.Where("received_at <= ?", q.Received)
	}
	err := query.Order("received_at DESC, id DESC").
		Limit(2 * maxEarlier). // room for the ones a different patronymic rules out
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("earlier appeals: %w", err)
	}
	patronymic := normalise(q.Patronymic)
	var out []EarlierAppeal
	for _, r := range rows {
		byIdentity := q.PersonID != nil && r.PersonID != nil && *r.PersonID == *q.PersonID
		if !byIdentity {
			if other := normalise(r.AuthorPatronymic); patronymic != "" && other != "" && other != patronymic {
				continue // a father and a son at one address are two authors
			}
		}
		e := EarlierAppeal{ID: r.ID, RegIndex: r.RegIndex, ReceivedAt: r.ReceivedAt, Status: r.Status,
			Channel: r.Channel, Sign: r.Sign, SummaryStart: r.Summary, ByIdentity: byIdentity,
			DueDate: r.DueDate, Result: r.Result}
		if utf8.RuneCountInString(e.SummaryStart) > summaryStart {
			e.SummaryStart = string([]rune(e.SummaryStart)[:summaryStart]) + "…"
		}
		out = append(out, e)
		if len(out) == maxEarlier {
			break
		}
	}
	return out, s.subjectsOf(ctx, out)
}

// subjectsOf reads the subject codes of the earlier appeals' questions, in one query.
func (s *Service) subjectsOf(ctx context.Context, list []EarlierAppeal) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	at := make(map[int64]int, len(list))
	for i, e := range list {
		ids[i], at[e.ID] = e.ID, i
	}
	var qs []Question
	if err := s.db.WithContext(ctx).Select("appeal_id", "subject_code").Where("appeal_id IN ?", ids).
		Order("appeal_id, position").Find(&qs).Error; err != nil {
		return fmt.Errorf("earlier appeals' subjects: %w", err)
	}
	for _, q := range qs {
		e := &list[at[q.AppealID]]
		if !slices.Contains(e.Subjects, q.SubjectCode) {
			e.Subjects = append(e.Subjects, q.SubjectCode)
		}
	}
	return nil
}

// ProposeSign proposes the sign of receipt of a new appeal on the subjects given, from its author's earlier
// appeals (EarlierAppeals, newest first): the newest earlier appeal on one of the same subjects, of the same
// signed-in person if there is one, else of the same name and address. The new appeal is a duplicate
// (дублетне: the same appeal arriving again) while that one is still considered within its term, and a
// repeat (повторне) once it was closed or its term has passed. Primary, with no earlier appeal, when none
// shares a subject. Staff confirm or correct it (CorrectSign).
func ProposeSign(earlier []EarlierAppeal, subjects []string, today time.Time) (string, *int64) {
	var found *EarlierAppeal
	for i := range earlier {
		e := &earlier[i]
		if !slices.ContainsFunc(e.Subjects, func(code string) bool { return slices.Contains(subjects, code) }) {
			continue
		}
		if found == nil || (e.ByIdentity && !found.ByIdentity) {
			found = e
		}
		if found.ByIdentity {
			break
		}
	}
	if found == nil {
		return SignPrimary, nil
	}
	id := found.ID
	if slices.Contains(underControl, found.Status) && !found.DueDate.Before(today) {
		return SignDuplicate, &id
	}
	return SignRepeat, &id
}

// OnTheMerits tells whether an appeal's result answered it on the merits (resolved, refused, explained):
// a repeat appeal on the same question may then be left without consideration (Art. 8).
func OnTheMerits(result string) bool { return slices.Contains(ReplyResults, result) }

// proposeSign proposes the sign of a portal e-appeal (ProposeSign over the same person's earlier appeals)
// unless it already has one; it tells whether it did. Staff register the other channels and choose the
// sign themselves, shown the same proposal.
func (s *Service) proposeSign(ctx context.Context, in *RegisterInput) (bool, error) {
	if in.Channel != ChannelPortal || in.Sign != SignPrimary || in.RelatedAppealID != nil {
		return false, nil
	}
	earlier, err := s.EarlierAppeals(ctx, AuthorQuery{PersonID: in.PersonID, LastName: in.LastName,
		FirstName: in.FirstName, Patronymic: in.Patronymic, Address: in.Address})
	if err != nil {
		return false, err
	}
	in.Sign, in.RelatedAppealID = ProposeSign(earlier, SubjectCodes(in.Questions), s.clock.Today())
	return in.RelatedAppealID != nil, nil
}

// SubjectCodes lists the questions' subject codes.
func SubjectCodes(qs []QuestionInput) []string {
	out := make([]string, 0, len(qs))
	for _, q := range qs {
		out = append(out, q.SubjectCode)
	}
	return out
}

// Related is the earlier appeal a repeat or duplicate appeal points at, as its card shows it; false when
// it points at none.
func (s *Service) Related(ctx context.Context, a *Appeal) (EarlierAppeal, bool, error) {
	if a.RelatedAppealID == nil {
		return EarlierAppeal{}, false, nil
	}
	var rows []Appeal
	if err := s.db.WithContext(ctx).Select("id", "reg_index", "received_at", "status", "channel", "sign", "due_date", "result").
		Where("id = ?", *a.RelatedAppealID).Limit(1).Find(&rows).Error; err != nil {
		return EarlierAppeal{}, false, fmt.Errorf("related appeal: %w", err)
	}
	if len(rows) == 0 {
		return EarlierAppeal{}, false, nil
	}
	r := rows[0]
	return EarlierAppeal{ID: r.ID, RegIndex: r.RegIndex, ReceivedAt: r.ReceivedAt, Status: r.Status, Channel: r.Channel,
		Sign: r.Sign, DueDate: r.DueDate, Result: r.Result}, true, nil
}

// KeyAuthors keys the appeals that have no author key yet: those registered before the author_key column
// existed (migration 10); every appeal since gets its key from derive. The key folds Cyrillic in Go, which
// SQLite's lower() cannot, so this is an upkeep step (run by the queue's leader, internal/app) rather than
// a migration, and never part of a search. It works in batches of its own transactions, so a run cut
// short keeps what it did and the next one goes on; it returns how many appeals it keyed.
//
// The partial index appeals_author_key_missing holds exactly the rows to key, so once they are keyed a
// run costs one index lookup that finds nothing; any instance may run it, and running it twice writes
// the same keys.
func (s *Service) KeyAuthors(ctx context.Context) (int, error) {
	const batch = 500
	keyed := 0
	for last := int64(0); ; {
		var rows []Appeal
		err := s.db.WithContext(ctx).Select("id, author_last_name, author_first_name, author_address").
			Where("author_key = '' AND author_last_name <> '' AND author_address <> '' AND id > ?", last).
			Order("id").Limit(batch).Find(&rows).Error
		if err != nil {
			return keyed, fmt.Errorf("find unkeyed appeals: %w", err)
		}
		n := 0
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			for i := range rows {
				// A name or address of punctuation only has no key: it stays "" and is read again next
				// time, which for such rare rows is cheaper than a marker column.
				if key := authorKeyOf(&rows[i]); key != "" {
					if err := tx.Model(&Appeal{}).Where("id = ?", rows[i].ID).UpdateColumn("author_key", key).Error; err != nil {
						return err
					}
					n++
				}
			}
			return nil
		})
		if err != nil {
			return keyed, fmt.Errorf("key earlier appeals: %w", err)
		}
		keyed += n
		if len(rows) < batch {
			return keyed, nil
		}
		last = rows[len(rows)-1].ID
	}
}

// RelatedIndex returns the registration index of the appeal a repeat or duplicate one points at.
func (s *Service) RelatedIndex(ctx context.Context, id int64) (string, error) {
	var idx []string
	if err := s.db.WithContext(ctx).Model(&Appeal{}).Where("id = ?", id).Pluck("reg_index", &idx).Error; err != nil {
		return "", err
	}
	if len(idx) == 0 {
		return "", nil
	}
	return idx[0], nil
}

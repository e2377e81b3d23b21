package registry

import (
	"context"
	"fmt"
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
	}
	db := s.db.WithContext(ctx)
	cond := db.Where("1 = 0")
	if key != "" {
		cond = cond.Or("author_key = ?", key)
	}
	if q.PersonID != nil {
		cond = cond.Or("person_id = ?", *q.PersonID)
	}
	err := db.Model(&Appeal{}).
		Select("id, reg_index, received_at, status, channel, sign, SUBSTR(summary, 1, ?) AS summary, person_id, author_patronymic, author_key", summaryStart+1).
		Where(cond).Order("received_at DESC, id DESC").
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
			Channel: r.Channel, Sign: r.Sign, SummaryStart: r.Summary, ByIdentity: byIdentity}
		if utf8.RuneCountInString(e.SummaryStart) > summaryStart {
			e.SummaryStart = string([]rune(e.SummaryStart)[:summaryStart]) + "…"
		}
		out = append(out, e)
		if len(out) == maxEarlier {
			break
		}
	}
	return out, nil
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

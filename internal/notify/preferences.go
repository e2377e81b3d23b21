package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/errs"
)

// Choice is an optional notice and whether the person receives it.
type Choice struct {
	Kind    string
	Enabled bool
}

// Choices lists the optional notices with the person's choice for each.
func (s *Service) Choices(ctx context.Context, personID int64) ([]Choice, error) {
	var prefs []preference
	if err := s.db.WithContext(ctx).Where("person_id = ?", personID).Find(&prefs).Error; err != nil {
		return nil, err
	}
	off := map[string]bool{}
	for _, p := range prefs {
		off[p.Kind] = !p.Enabled
	}
	var out []Choice
	for _, k := range Kinds {
		if k.Optional {
			out = append(out, Choice{Kind: k.Name, Enabled: !off[k.Name]})
		}
	}
	return out, nil
}

// SetChoice turns an optional notice on or off for the person.
func (s *Service) SetChoice(ctx context.Context, personID int64, kind string, on bool) error {
	k, ok := kindByName(kind)
	if !ok || !k.Optional {
		return errs.New(errs.Invalid, "notices.error.kind")
	}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "person_id"}, {Name: "kind"}},
		DoUpdates: clause.AssignmentColumns([]string{"enabled", "updated_at"}),
	}).Create(&preference{PersonID: personID, Kind: kind, Enabled: on, UpdatedAt: time.Now().UTC()}).Error
}

// UnsubscribeToken signs "this person may turn off this notice" for a link in the e-mail, so no
// sign-in is needed; the token does nothing else.
func (s *Service) UnsubscribeToken(personID int64, kind string) string {
	payload := strconv.FormatInt(personID, 10) + ":" + kind
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

func (s *Service) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.opts.Secret)
	m.Write([]byte("unsubscribe:" + payload))
	return m.Sum(nil)
}

// ReadUnsubscribeToken checks a token and returns what it allows.
func (s *Service) ReadUnsubscribeToken(token string) (personID int64, kind string, err error) {
	bad := errs.New(errs.NotFound, "notices.error.token")
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return 0, "", bad
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(string(payload))) {
		return 0, "", bad
	}
	id, kind, ok := strings.Cut(string(payload), ":")
	personID, err = strconv.ParseInt(id, 10, 64)
	if !ok || err != nil {
		return 0, "", bad
	}
	if k, known := kindByName(kind); !known || !k.Optional {
		return 0, "", bad
	}
	return personID, kind, nil
}

// Unsubscribe turns off the notice a valid token names.
func (s *Service) Unsubscribe(ctx context.Context, token string) (kind string, err error) {
	personID, kind, err := s.ReadUnsubscribeToken(token)
	if err != nil {
		return "", err
	}
	return kind, s.SetChoice(ctx, personID, kind, false)
}

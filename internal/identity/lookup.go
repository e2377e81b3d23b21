package identity

import (
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// AccountOf returns, inside tx, the id of the one person whose account carries the e-mail address,
// verified by the identity provider, and the surname and given name (as the provider vouched for
// them), or 0. Both must match: an e-mail alone is not proof (a registrar may mistype it), while a
// mistyped address that also lands on an account with the author's verified name is not a realistic
// risk. An e-mail the provider does not vouch for counts for nothing: anyone could have typed it there.
func AccountOf(ctx context.Context, tx *gorm.DB, email, lastName, firstName string) (int64, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || strings.TrimSpace(lastName) == "" || strings.TrimSpace(firstName) == "" {
		return 0, nil
	}
	var people []Person
	err := tx.WithContext(ctx).Select("id", "last_name", "first_name").
		Where("LOWER(email) = ? AND email_verified = ?", email, true).Limit(2).Find(&people).Error
	if err != nil || len(people) != 1 {
		return 0, err
	}
	if p := people[0]; SameName(p.LastName, lastName) && SameName(p.FirstName, firstName) {
		return p.ID, nil
	}
	return 0, nil
}

// AddressOf returns, inside tx, the address the identity provider gave for the person ("" when it gave
// none or there is no such person): the registry's card of a petition's author, who typed no address.
func AddressOf(ctx context.Context, tx *gorm.DB, personID int64) (string, error) {
	var addresses []string
	err := tx.WithContext(ctx).Model(&Person{}).Where("id = ?", personID).Limit(1).Pluck("address", &addresses).Error
	if err != nil || len(addresses) == 0 {
		return "", err
	}
	return addresses[0], nil
}

// SameName compares two names as people write them: letter case and the kind of apostrophe do not
// matter. In Go, because SQLite's LOWER() leaves Cyrillic as it is.
func SameName(a, b string) bool {
	norm := func(s string) string {
		return strings.NewReplacer("’", "'", "ʼ", "'", "`", "'").Replace(strings.ToLower(strings.TrimSpace(s)))
	}
	return norm(a) == norm(b)
}

// Why an appeal carrying an e-mail and a name is in nobody's account, as the message ids the staff
// card shows.
const (
	UnlinkedNoAccount  = "admin.card.unlinked.no_account" // nobody has signed in with the e-mail
	UnlinkedUnverified = "admin.card.unlinked.unverified" // only with the e-mail unverified by the provider
	UnlinkedOtherName  = "admin.card.unlinked.other_name" // the verified account is someone else's name
	UnlinkedAmbiguous  = "admin.card.unlinked.ambiguous"  // several verified accounts have the e-mail
)

// UnlinkedReason says why an appeal with the e-mail and name is linked to no account (one of the
// Unlinked* message ids), or "" when AccountOf would find the account (the link is made at
// registration, or at the person's sign-in with the e-mail verified).
func (s *Service) UnlinkedReason(ctx context.Context, email, lastName, firstName string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", nil
	}
	var people []Person
	err := s.db.WithContext(ctx).Select("id", "last_name", "first_name", "email_verified").
		Where("LOWER(email) = ?", email).Order("email_verified DESC, id").Limit(3).Find(&people).Error
	if err != nil {
		return "", err
	}
	verified := slices.DeleteFunc(slices.Clone(people), func(p Person) bool { return !p.EmailVerified })
	switch {
	case len(people) == 0:
		return UnlinkedNoAccount, nil
	case len(verified) == 0:
		return UnlinkedUnverified, nil
	case len(verified) > 1:
		return UnlinkedAmbiguous, nil
	case !SameName(verified[0].LastName, lastName) || !SameName(verified[0].FirstName, firstName):
		return UnlinkedOtherName, nil
	}
	return "", nil
}

package identity

import (
	"cmp"
	"context"
	"strings"

	"gorm.io/gorm"
)

// AccountOf returns, inside tx, the id of the one person whose account carries the e-mail address,
// verified by the identity provider, and the surname and given name (as the provider vouched for
// them), or 0. Both must match: an e-mail alone is not proof (a registrar may mistype it), while a
// mistyped address that also lands on an account with the author's verified name is not a realistic
// risk. An e-mail the provider does not vouch for counts for nothing: anyone could have typed it there.
func AccountOf(ctx context.Context, tx *gorm.DB, email, lastName, firstName string) (int64, error) {
	if strings.TrimSpace(lastName) == "" || strings.TrimSpace(firstName) == "" {
		return 0, nil
	}
	m, err := accountsWith(ctx, tx, email)
	if err != nil || m.reason(lastName, firstName) != "" {
		return 0, err
	}
	return m.verified[0].ID, nil
}

// emailAccounts are the accounts that carry one e-mail address: whether there is any, and the ones whose
// address the provider verified (at most two are read: two already make it ambiguous).
type emailAccounts struct {
	any      bool
	verified []Person
}

// accountsWith reads the accounts carrying the e-mail: the one lookup behind linking appeals, granting
// roles by e-mail and the card's explanation, so the three never disagree.
func accountsWith(ctx context.Context, tx *gorm.DB, email string) (emailAccounts, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return emailAccounts{}, nil
	}
	var people []Person
	err := tx.WithContext(ctx).Where("LOWER(email) = ?", email).Order("email_verified DESC, id").Limit(3).
		Find(&people).Error
	m := emailAccounts{any: len(people) > 0}
	for _, p := range people {
		if p.EmailVerified && len(m.verified) < 2 {
			m.verified = append(m.verified, p)
		}
	}
	return m, err
}

// reason is why the author with these names has no account among them (one of the Unlinked* message
// ids), or "" when exactly one verified account carries the e-mail and the names.
func (m emailAccounts) reason(lastName, firstName string) string {
	switch {
	case !m.any:
		return UnlinkedNoAccount
	case len(m.verified) == 0:
		return UnlinkedUnverified
	case len(m.verified) > 1:
		return UnlinkedAmbiguous
	case !SameName(m.verified[0].LastName, lastName) || !SameName(m.verified[0].FirstName, firstName):
		return UnlinkedOtherName
	}
	return ""
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
	UnlinkedAtSignIn   = "admin.card.unlinked.at_sign_in" // the account is there: the link is made at the next sign-in
)

// UnlinkedReason says why an appeal with the e-mail and name, linked to no account, is not (one of the
// Unlinked* message ids; "" without an e-mail). When the account is there (an appeal imported from a
// registry is linked only when its author next signs in) it says so.
func (s *Service) UnlinkedReason(ctx context.Context, email, lastName, firstName string) (string, error) {
	if strings.TrimSpace(email) == "" {
		return "", nil
	}
	m, err := accountsWith(ctx, s.db, email)
	if err != nil {
		return "", err
	}
	return cmp.Or(m.reason(lastName, firstName), UnlinkedAtSignIn), nil
}

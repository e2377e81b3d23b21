package config

import (
	"net/mail"
	"strings"

	"github.com/hromada/hromada/internal/i18n"
)

// Contacts are how citizens reach the council: shown on the home page and on every error page, so a
// person who is stuck always learns whom to call.
type Contacts struct {
	Address  i18n.Text
	Phone    string
	Email    string
	Hours    i18n.Text // reception hours, in words
	Hotlines []Hotline
}

// Hotline is a telephone line that takes appeals (the Government contact centre, a regional one, the
// council's own).
type Hotline struct {
	Number string
	Name   i18n.Text
}

// Tel is a number as a tel: link wants it: digits, with the leading plus kept.
func Tel(number string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(number) {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

const defaultHotlines = "1545=Урядова гаряча лінія|Government contact centre"

// contacts reads the council's contacts; the address, phone and e-mail default to the letterhead's,
// which most councils set already.
func (r *reader) contacts(c *Config) {
	addr := r.str("HROMADA_COUNCIL_ADDRESS", c.Letters.Address)
	c.Contacts = Contacts{
		Address: i18n.Text{UK: addr, EN: r.str("HROMADA_COUNCIL_ADDRESS_EN", "")},
		Phone:   r.str("HROMADA_COUNCIL_PHONE", c.Letters.Phone),
		Email:   r.str("HROMADA_COUNCIL_EMAIL", c.Letters.Email),
		Hours: i18n.Text{UK: r.str("HROMADA_COUNCIL_HOURS", "пн–чт 8:00–17:00, пт 8:00–15:45"),
			EN: r.str("HROMADA_COUNCIL_HOURS_EN", "Mon–Thu 8:00–17:00, Fri 8:00–15:45")},
	}
	if e := c.Contacts.Email; e != "" {
		if _, err := mail.ParseAddress(e); err != nil {
			r.fail("HROMADA_COUNCIL_EMAIL", "must be an e-mail address: %v", err)
		}
	}
	if p := c.Contacts.Phone; p != "" && len(Tel(p)) < 3 {
		r.fail("HROMADA_COUNCIL_PHONE", "must be a telephone number, got %q", p)
	}
	c.Contacts.Hotlines = r.hotlines("HROMADA_COUNCIL_HOTLINES", defaultHotlines)
}

// hotlines reads "NUMBER=Назва|English name; NUMBER=…"; "none" lists none.
func (r *reader) hotlines(name, def string) []Hotline {
	raw := r.str(name, def)
	if raw == "none" {
		return nil
	}
	var list []Hotline
	for _, item := range strings.Split(raw, ";") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		number, title, ok := strings.Cut(item, "=")
		number, title = strings.TrimSpace(number), strings.TrimSpace(title)
		uk, en, _ := strings.Cut(title, "|")
		if !ok || len(Tel(number)) < 3 || strings.TrimSpace(uk) == "" {
			r.fail(name, "must be NUMBER=Назва|English name items separated by ';', got %q", item)
			continue
		}
		list = append(list, Hotline{Number: number, Name: i18n.Text{UK: strings.TrimSpace(uk), EN: strings.TrimSpace(en)}})
	}
	return list
}

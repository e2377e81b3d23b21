package devidp

import "strings"

// Identity is a test person offered on the picker page, with Diia-style claims.
type Identity struct {
	Subject    string // stable "sub"
	TaxID      string // claim "drfocode" (РНОКПП, 10 digits) — fake test numbers
	LastName   string // claim "lastname"
	GivenName  string // claim "givenname"
	MiddleName string // claim "middlename"
	Email      string // claim "email"
	// EmailUnverified sends email_verified false: the e-mail is the person's own word, as some
	// providers pass it on. Such an e-mail links no appeals and grants no roles in the portal.
	EmailUnverified bool
	Phone           string // claim "phone"
	Address         string // claim "address"
	AuthType        string // claim "auth_type", e.g. "dig_sign", "bank_id", "diia"
	// Roles is claim "roles", sent only when set: staff roles the portal takes when
	// HROMADA_OIDC_CLAIM_ROLES=roles, as a council's provider (e.g. Keycloak) would send them.
	Roles []string
	Note  string // one line shown on the picker: "citizen", "staff: registrar", ...
}

// FullName is the name in the order of Ukrainian documents: surname, given name, patronymic.
func (id Identity) FullName() string {
	return strings.Join(strings.Fields(id.LastName+" "+id.GivenName+" "+id.MiddleName), " ")
}

// Identities returns the built-in test identities: citizens of the fictional city "м. Зразкове"
// and one staff member for each role. The result is a fresh slice, so callers may modify it.
//
// The tax numbers pass the РНОКПП checksum (so validation code accepts them) but encode a birth
// date in the 2170s, so they can never belong to a real person. Phones use the non-existent
// operator code 00 and e-mails the reserved .example domain for the same reason.
func Identities() []Identity {
	return []Identity{
		{
			Subject: "dev-citizen-olena", TaxID: "9990110022",
			LastName: "Шевченко", GivenName: "Олена", MiddleName: "Петрівна",
			Email: "olena.shevchenko@mail.example", Phone: "+380000000101",
			Address:  "м. Зразкове, вул. Соборна, буд. 12, кв. 5",
			AuthType: "diia", Note: "citizen",
		},
		{
			Subject: "dev-citizen-andrii", TaxID: "9990210114",
			LastName: "Коваленко", GivenName: "Андрій", MiddleName: "Миколайович",
			Email: "andrii.kovalenko@mail.example", Phone: "+380000000102",
			Address:  "м. Зразкове, вул. Садова, буд. 3",
			AuthType: "bank_id", Note: "citizen",
		},
		{
			Subject: "dev-citizen-iryna", TaxID: "9990310229",
			LastName: "Бондар", GivenName: "Ірина", MiddleName: "Василівна",
			Email: "iryna.bondar@mail.example", Phone: "+380000000103",
			Address:  "м. Зразкове, просп. Незалежності, буд. 45, кв. 17",
			AuthType: "dig_sign", Note: "citizen",
		},
		{
			// The apostrophes keep escaping honest in every template that shows a name.
			Subject: "dev-citizen-mariana", TaxID: "9990410327",
			LastName: "Дем'яненко", GivenName: "Мар'яна", MiddleName: "Олегівна",
			Email: "mariana.demianenko@mail.example", Phone: "+380000000104",
			Address:  "м. Зразкове, пров. Шкільний, буд. 7",
			AuthType: "diia", Note: "citizen",
		},
		{
			Subject: "dev-staff-registrar", TaxID: "9990510425",
			LastName: "Гнатюк", GivenName: "Світлана", MiddleName: "Ігорівна",
			Email: "s.hnatiuk@rada.zrazkove.example", Phone: "+380000000201",
			Address:  "м. Зразкове, вул. Лесі Українки, буд. 8, кв. 2",
			AuthType: "dig_sign", Note: "staff: registrar", Roles: []string{"registrar"},
		},
		{
			Subject: "dev-staff-executor", TaxID: "9990610517",
			LastName: "Мельник", GivenName: "Тарас", MiddleName: "Степанович",
			Email: "t.melnyk@rada.zrazkove.example", Phone: "+380000000202",
			Address:  "м. Зразкове, вул. Вишнева, буд. 21",
			AuthType: "diia", Note: "staff: executor", Roles: []string{"executor"},
		},
		{
			Subject: "dev-staff-head", TaxID: "9990710615",
			LastName: "Кравченко", GivenName: "Василь", MiddleName: "Петрович",
			Email: "v.kravchenko@rada.zrazkove.example", Phone: "+380000000203",
			Address:  "м. Зразкове, вул. Соборна, буд. 1",
			AuthType: "dig_sign", Note: "staff: head", Roles: []string{"head"},
		},
		{
			Subject: "dev-staff-admin", TaxID: "9990810720",
			LastName: "Литвиненко", GivenName: "Оксана", MiddleName: "Романівна",
			Email: "o.lytvynenko@rada.zrazkove.example", Phone: "+380000000204",
			Address:  "м. Зразкове, вул. Польова, буд. 14, кв. 9",
			AuthType: "bank_id", Note: "staff: admin", Roles: []string{"admin"},
		},
		{
			Subject: "dev-citizen-bohdan", TaxID: "9990910805",
			LastName: "Ткаченко", GivenName: "Богдан", MiddleName: "Іванович",
			Email: "bohdan.tkachenko@mail.example", EmailUnverified: true, Phone: "+380000000105",
			Address:  "м. Зразкове, вул. Миру, буд. 30",
			AuthType: "bank_id", Note: "citizen, e-mail not verified",
		},
	}
}

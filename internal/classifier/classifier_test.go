package classifier

import "testing"

func TestLoad(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Subjects) != 25 || c.Subjects.Name("09", "uk") != "Комунальне господарство" {
		t.Fatalf("subjects: got %d, 09=%q", len(c.Subjects), c.Subjects.Name("09", "uk"))
	}
	if len(c.Channels) != 11 || !c.Channels.Has("gov_hotline") || !c.Channels.Has("portal") {
		t.Fatalf("channels: %v", c.Channels)
	}
	if got := c.Types.Name("complaint", "en"); got != "Complaint" {
		t.Fatalf("type name en: %q", got)
	}
	if got := c.Types.Name("unknown", "uk"); got != "unknown" {
		t.Fatalf("unknown code should read as itself, got %q", got)
	}
}

// Each channel's behaviour is data: the hotlines and forwarding bodies carry their own number, the
// portal's appeals are electronic documents, and form 1 counts the portal with e-mail.
func TestChannelBehaviour(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]Item{
		"portal":      {DocumentKind: "electronic", ReportRow: "electronic"},
		"email":       {DocumentKind: "email", ReportRow: "electronic"},
		"phone":       {DocumentKind: "oral", ReportRow: "telephone"},
		"mail":        {DocumentKind: "letter", ReportRow: "1.1"},
		"gov_hotline": {DocumentKind: "oral", ExternalRef: true, ReportRow: "gov_hotline"},
		"authority":   {DocumentKind: "letter", ExternalRef: true, ReportRow: "1.4"},
	} {
		got, _ := c.Channels.Get(code)
		if got.DocumentKind != want.DocumentKind || got.ExternalRef != want.ExternalRef || got.ReportRow != want.ReportRow {
			t.Errorf("%s: %+v, want %+v", code, got, want)
		}
	}
}

// The report's sentences put every subject and category in the genitive: the file gives each one.
func TestGenitives(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []List{c.Subjects, c.Categories} {
		for _, it := range l {
			if it.Genitive == "" {
				t.Errorf("%s (%s) has no uk_genitive", it.Code, it.UK)
			}
		}
	}
	s, _ := c.Subjects.Get("09")
	if s.GenitiveName("uk") != "комунального господарства" || s.GenitiveName("en") != "Communal services" {
		t.Errorf("09: %q / %q", s.GenitiveName("uk"), s.GenitiveName("en"))
	}
}

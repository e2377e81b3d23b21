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

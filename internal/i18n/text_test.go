package i18n

import "testing"

// A text reads in English only when asked for and known; everything else reads in Ukrainian.
func TestTextIn(t *testing.T) {
	both := Text{UK: "Зразкова міська рада", EN: "Zrazkove City Council"}
	onlyUK := Text{UK: "Управління освіти"}
	for _, c := range []struct {
		text       Text
		lang, want string
	}{
		{both, "en", "Zrazkove City Council"},
		{both, "uk", "Зразкова міська рада"},
		{both, "", "Зразкова міська рада"},
		{both, "de", "Зразкова міська рада"},
		{both, "EN", "Зразкова міська рада"}, // codes are lower case everywhere (cookies, the person's language)
		{onlyUK, "en", "Управління освіти"},
		{onlyUK, "uk", "Управління освіти"},
	} {
		if got := c.text.In(c.lang); got != c.want {
			t.Errorf("%+v.In(%q) = %q, want %q", c.text, c.lang, got, c.want)
		}
	}
}

// LangIn names the language of what In returns: Ukrainian standing in for a missing English text is
// marked Ukrainian.
func TestTextLangIn(t *testing.T) {
	both := Text{UK: "Зразкове", EN: "Zrazkove"}
	onlyUK := Text{UK: "Вишневе"}
	if both.LangIn("en") != "en" || both.LangIn("uk") != "uk" || onlyUK.LangIn("en") != "uk" || both.LangIn("de") != "uk" {
		t.Error("LangIn does not follow In")
	}
}

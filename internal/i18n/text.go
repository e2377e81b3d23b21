package i18n

// Text is one text in both languages, for what comes with its own translation rather than from the
// message files: a classifier entry, a department, the council's name. The Ukrainian text is always
// there; the English one may be missing, and then the Ukrainian one stands in.
type Text struct {
	UK string `json:"uk"`
	EN string `json:"en"`
}

// In returns the text in lang: English when asked for and known, Ukrainian otherwise (unknown languages
// included, as the translator does).
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.UK
}

// LangIn is the language of what In(lang) returns, for a page's lang attribute: a Ukrainian text standing
// in for a missing English one is marked as Ukrainian, so screen readers read it as such.
func (t Text) LangIn(lang string) string {
	if lang == "en" && t.EN != "" {
		return "en"
	}
	return "uk"
}

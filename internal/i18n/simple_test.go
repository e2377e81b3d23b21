package i18n

import (
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// The plain messages T looks up in its own map say exactly what go-i18n says for them, in every
// language; messages with values or plural forms are left to go-i18n.
func TestSimpleMessagesAreGoI18nsText(t *testing.T) {
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		if len(tr.simple[lang]) < 100 {
			t.Fatalf("%s: only %d plain messages found", lang, len(tr.simple[lang]))
		}
		l := tr.For(lang)
		for id, text := range tr.simple[lang] {
			want, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id})
			if err != nil || want != text {
				t.Errorf("%s %s: map %q, go-i18n %q (%v)", lang, id, text, want, err)
			}
		}
	}
	if _, ok := tr.simple["uk"]["petition.count"]; ok {
		t.Error("a plural message is in the plain map")
	}
	if got := tr.For("en").T("no.such.message"); got != "no.such.message" {
		t.Errorf("a missing id says %q", got)
	}
}

func BenchmarkT(b *testing.B) {
	tr, err := NewTranslator()
	if err != nil {
		b.Fatal(err)
	}
	l := tr.For("uk")
	for b.Loop() {
		_ = l.T("nav.sign_in")
	}
}

// BenchmarkTGoI18n is what T cost before the plain map: go-i18n per call.
func BenchmarkTGoI18n(b *testing.B) {
	tr, err := NewTranslator()
	if err != nil {
		b.Fatal(err)
	}
	l := tr.For("uk")
	for b.Loop() {
		_, _ = l.loc.Localize(&goi18n.LocalizeConfig{MessageID: "nav.sign_in"})
	}
}
